// Hires fix in the app (issue 9), on the real engine and demo model: a Generate request with a `hires` block runs
// both passes (the image has the target size, progress counts both passes' evaluations), the PNG carries A1111's
// hires fields (`Size` stays the first pass's) and our chunk's second-pass schedule, the gallery and "reuse
// parameters" give the settings back, a dropped PNG reads them back, and fidelity pairs a hires run only with a
// hires baseline of the same settings.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageParametersFromBytes } from '../../../main/images/external-image';
import { readTextChunks } from '../../../main/images/png-text';
import { imageParametersDto } from '../../../main/services/image-parameters';
import type { HiresParamsDto, ProgressDto } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

const hires: HiresParamsDto = { scale: 1.5, steps: 2, strength: 0.6, upscaler: 'latent' };

describe('hires fix in the app', () => {
  let t: TestStudio;
  beforeAll(async () => { t = await openTestStudio(); });
  afterAll(async () => { await t?.close(); });

  const run = async (params: Parameters<typeof quickParams>[0], seed = 321) => {
    const [job] = t.studio.generation.enqueue(quickParams({ steps: 4, seed: { mode: 'fixed', value: seed }, ...params }));
    const progress: ProgressDto[] = [];
    const off = t.studio.events.connect((event, payload) => {
      const e = payload as { type?: string; jobId?: string; progress?: ProgressDto };
      if (event === 'onJobEvent' && e.type === 'progress' && e.jobId === job!.id) progress.push(e.progress!);
    });
    const done = await settled(t.studio, job!.id);
    off();
    expect(done.state, done.error?.message).toBe('done');
    return { job: done, result: done.result!, progress };
  };

  it('runs both passes, writes the A1111 fields, and gives the settings back', async () => {
    const { job, result, progress } = await run({ hires });
    expect(job.params.hires).toEqual(hires);
    expect([result.width, result.height]).toEqual([192, 192]);
    expect(result.schedule).toBe('F,F,F,F,F,F');
    // 4 DDIM steps, then 2 at 192×192, counted as one run of 6
    expect(progress.map((p) => `${p.step}/${p.total}`)).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);

    const file = t.studio.gallery.filePath(result.generationId, 'full')!;
    const saved = await readFile(file);
    expect(await sharp(saved).metadata()).toMatchObject({ width: 192, height: 192 });
    const chunks = readTextChunks(saved);
    expect(chunks.get('parameters')).toContain('Size: 128x128');
    expect(chunks.get('parameters')).toContain('Denoising strength: 0.6, Hires upscale: 1.5, Hires steps: 2, Hires upscaler: Latent');
    const studioChunk = JSON.parse(chunks.get('dato-studio')!) as { hires?: { width: number; height: number; schedule: string; stepsRun: number } };
    expect(studioChunk.hires).toEqual({ width: 192, height: 192, schedule: 'F,F', stepsRun: 2 });

    const detail = t.studio.gallery.get(result.generationId);
    expect(detail).toMatchObject({ width: 128, height: 128, hires });
    expect(detail.parametersText).toContain('Hires upscale: 1.5');
    expect(t.studio.gallery.reuseParameters(result.generationId)).toMatchObject({ width: 128, height: 128, steps: 4, hires });
    const read = imageParametersDto(await readImageParametersFromBytes(saved), t.studio.sources);
    expect(read).toMatchObject({ source: 'dato-studio', width: 128, height: 128, steps: 4, hires });
    expect(read.img2img).toBeUndefined();
  });

  it('measures fidelity only against a hires baseline with the same settings', async () => {
    const seed = 654; // not the first test's, whose plain hires run would be this one's baseline
    await run({}, seed); // a text-to-image baseline with the same prompt, size and seed: not this picture's
    const accelerated = await run({ accel: { mode: 'cached' }, hires }, seed);
    expect(accelerated.result.fidelity).toBeNull();
    await run({ hires: { ...hires, strength: 0.4 } }, seed); // another strength: not its baseline either
    expect(t.studio.gallery.get(accelerated.result.generationId).psnrVsBaseline).toBeNull();
    const baseline = await run({ hires: { ...hires } }, seed);
    const psnr = t.studio.gallery.get(accelerated.result.generationId).psnrVsBaseline;
    console.log(`hires fix, cached vs its hires baseline: ${psnr?.toFixed(2)} dB (baseline generation ${baseline.result.generationId})`);
    expect(psnr).toBeGreaterThan(15);
    // the speed-up of a hires run is measured against hires baselines only (both passes, both sizes)
    expect(baseline.result.speedup?.basis).toBe('measured');
  });
});
