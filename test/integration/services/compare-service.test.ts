// Compare: one prompt and seed in three presets → a comparison group with the baseline first, speed-ups
// against that baseline run, PSNR vs the baseline image (none for the baseline itself) and heat maps; each
// accelerated variant then gets its plain "fewer steps, same time" partner and a verdict.
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equalTimeSteps } from '../../../main/services/equal-time';
import { heatmapPathFor } from '../../../main/services/heatmap-path';
import type { ComparisonDto } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

describe('compare service', () => {
  let t: TestStudio;
  beforeAll(async () => { t = await openTestStudio(); });
  afterAll(async () => { await t?.close(); });

  it('runs baseline, cached and DaTo on one seed and stores the group with PSNR and heat maps', async () => {
    const events: ComparisonDto[] = [];
    t.studio.events.connect((event, payload) => {
      if (event === 'onComparisonEvent') events.push((payload as { comparison: ComparisonDto }).comparison);
    });
    const { seed: _seed, batchCount: _b, accel: _a, ...base } = quickParams({ steps: 10 });
    const started = t.studio.compare.start({
      params: { ...base, seed: { mode: 'fixed', value: 1234 } },
      variants: [{ mode: 'cached', cacheInterval: 2 }, { mode: 'dato' }, { mode: 'baseline' }],
    });
    expect(started.members.map((m) => m.accel.mode)).toEqual(['baseline', 'cached', 'dato']);
    expect(started.seed).toBe(1234);
    expect(started.baselineGenerationId).toBe(started.members[0]!.generationId);

    const jobs = t.studio.generation.queue.list().filter((j) => j.comparisonId === started.id);
    expect(jobs).toHaveLength(3);
    // The equal-time runs are queued as the variants finish: settle until nothing of the group is left.
    for (;;) {
      await t.studio.compare.settled();
      const open = t.studio.generation.queue.list().filter((j) => j.comparisonId === started.id && !['done', 'failed', 'cancelled'].includes(j.state));
      if (open.length === 0) break;
      await Promise.all(open.map((j) => settled(t.studio, j.id)));
    }

    const group = t.studio.compare.get(started.id);
    const [baseline, cached, dato] = group.members;
    expect(group.members.every((m) => m.state === 'done')).toBe(true);
    expect(baseline).toMatchObject({ speedup: 1, psnr: null, hasHeatmap: false });
    for (const m of [cached!, dato!]) {
      console.log(`${m.accel.mode}: speed-up ${m.speedup?.toFixed(2)}, PSNR ${m.psnr?.toFixed(2)} dB`);
      expect(m.psnr).toBeGreaterThan(5);
      expect(m.psnr).toBeLessThan(100);
      expect(m.speedup).toBeGreaterThan(0);
      expect(m.hasHeatmap).toBe(true);
      const heatmap = heatmapPathFor(t.studio.db.generations.get(m.generationId!)!.image!.path);
      expect(existsSync(heatmap)).toBe(true);
      expect(await sharp(heatmap).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
      expect(t.studio.gallery.filePath(m.generationId!, 'heatmap')).toBe(heatmap);
    }
    expect(group.members).toHaveLength(3); // the plain partners live inside their variants
    expect(baseline!.equalTime).toBeNull();
    for (const m of [cached!, dato!]) {
      const e = m.equalTime!;
      expect(e.steps).toBe(equalTimeSteps(10, m.speedup!));
      console.log(`${m.accel.mode}: ${m.psnr?.toFixed(2)} dB vs ${e.steps} plain steps ${e.isBaseline ? '(the baseline)' : `${e.psnr?.toFixed(2)} dB`}: ${e.kept} kept more`);
      expect(e.state).toBe('done');
      if (e.isBaseline) {
        expect(e.generationId).toBe(baseline!.generationId);
        expect(e.kept).toBe('fewer-steps');
      } else {
        const plain = t.studio.db.generations.get(e.generationId!)!;
        expect(plain).toMatchObject({ mode: 'baseline', steps: e.steps, seed: 1234, comparisonGroupId: started.id, prompt: group.prompt });
        expect(e.psnr).toBeGreaterThan(5);
        expect(e.kept).toBe(m.psnr! > e.psnr! + 0.05 ? 'variant' : m.psnr! < e.psnr! - 0.05 ? 'fewer-steps' : 'tie');
      }
    }
    // The library now knows DaTo's fidelity at DDIM 10 on this model, including its same-time verdict.
    const datoPreset = t.studio.generation.presets().find((p) => p.builtin && p.accel.mode === 'dato')!;
    const known = t.studio.generation.presetFidelity({ modelId: null, sampler: 'ddim', steps: 10 }).find((f) => f.presetId === datoPreset.id)!;
    expect(known).toMatchObject({ runs: 1, equalTimeJudged: 1, fewerStepsKeptMore: dato!.equalTime!.kept === 'fewer-steps' ? 1 : 0 });
    expect(known.medianPsnr).toBeCloseTo(dato!.psnr!, 6);
    expect(events.at(-1)!.members.every((m) => m.state === 'done')).toBe(true);
    expect(t.studio.compare.list(5).map((c) => c.id)).toContain(started.id);
    expect(t.studio.gallery.get(cached!.generationId!).comparisonId).toBe(started.id);
  });
});
