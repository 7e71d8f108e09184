// Image-to-image in the app (issue 9), on the real engine and demo model: pictures and masks kept in the
// library (checked, one row per file), requests checked before they queue, outpainting (size from the
// picture, the original area kept exactly), and a library PNG read back with its settings and source.
import { readFile } from 'node:fs/promises';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageParametersFromBytes } from '../../../main/images/external-image';
import { imageParametersDto } from '../../../main/services/image-parameters';
import { readTextChunks } from '../../../main/images/png-text';
import type { SourceParamsDto } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

const png = (width: number, height: number, colour: string): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

const source = (imageId: number, patch: Partial<SourceParamsDto> = {}): SourceParamsDto => ({
  imageId, maskId: null, strength: 0.75, resizeMode: 'resize', maskBlur: 4, maskedContent: 'original', inpaintArea: 'whole', padding: 32, outpaint: null, ...patch,
});

describe('image-to-image in the app', () => {
  let t: TestStudio;
  beforeAll(async () => { t = await openTestStudio(); });
  afterAll(async () => { await t?.close(); });

  it('keeps pictures and masks in the library: checked, one row per file', async () => {
    const { sources } = t.studio;
    await expect(sources.store(Buffer.from('not a picture'), 'image')).rejects.toMatchObject({ code: 'image-invalid', message: expect.stringMatching(/^The picture is not an image that can be read/) });
    await expect(sources.store(Buffer.alloc(0), 'mask')).rejects.toMatchObject({ code: 'image-invalid', message: 'The mask is an empty file.' });
    const a = await sources.store(await png(96, 64, '#2040c0'), 'image');
    expect(a).toMatchObject({ kind: 'image', width: 96, height: 64 });
    expect(await sources.store(await png(96, 64, '#2040c0'), 'image')).toEqual(a);
    expect(existsSync(sources.filePath(a.id)!)).toBe(true);
    const mask = await sources.store(await png(32, 32, '#ffffff'), 'mask');
    expect(() => sources.check(source(a.id, { maskId: mask.id }), { width: 128, height: 128 })).toThrow(/The mask is 32×32 but the picture is 96×64/);
    expect(() => sources.check(source(mask.id), { width: 128, height: 128 })).toThrow(/does not exist/);
    expect(sources.check(source(a.id, { outpaint: { left: 10, right: 0, top: 0, bottom: 3 } }), { width: 128, height: 128 })).toEqual({ width: 112, height: 72 });
    expect(() => sources.check(source(a.id, { outpaint: { left: 2048, right: 0, top: 0, bottom: 2000 } }), { width: 128, height: 128 })).toThrow(/would be 2144×2064/);
  });

  it('outpaints: the size follows from the picture and the original area stays exact; the PNG reads back with its source', async () => {
    const { sources, generation } = t.studio;
    const pictureBytes = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="128"><rect width="100%" height="100%" fill="#1e3cc8"/><circle cx="48" cy="64" r="30" fill="#d82020"/></svg>')).png().toBuffer();
    const picture = await sources.store(pictureBytes, 'image');
    const [job] = generation.enqueue(quickParams({ width: 64, height: 64, source: source(picture.id, { strength: 1, maskBlur: 4, outpaint: { left: 0, right: 32, top: 0, bottom: 0 } }) }));
    expect(job!.params).toMatchObject({ width: 128, height: 128 });
    const done = await settled(t.studio, job!.id);
    expect(done.state).toBe('done');
    const file = t.studio.gallery.filePath(done.result!.generationId, 'full')!;
    const saved = await readFile(file);
    const [before, after] = await Promise.all([
      sharp(pictureBytes).removeAlpha().raw().toBuffer(), sharp(saved).removeAlpha().raw().toBuffer(),
    ]);
    let differ = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 80; x++) { // 96 columns kept, less 16 for the blurred seam (σ 4 → 4σ)
        for (let c = 0; c < 3; c++) if (before[(y * 96 + x) * 3 + c] !== after[(y * 128 + x) * 3 + c]) differ++;
      }
    }
    expect(differ).toBe(0);

    const studioChunk = JSON.parse(readTextChunks(saved).get('dato-studio')!) as { img2img?: unknown };
    expect(studioChunk.img2img).toEqual({ strength: 1, scheduleSteps: 8, startStep: 0, stepsRun: 8 });
    const read = imageParametersDto(await readImageParametersFromBytes(saved), sources);
    expect(read.img2img).toEqual({
      strength: 1, resizeMode: 'resize', maskBlur: 4, maskedContent: 'original', inpaintArea: 'whole', padding: 32, source: picture, maskId: null,
      outpaint: { left: 0, right: 32, top: 0, bottom: 0 }, // from the library's record: A1111's text has no margins
    });
    expect(t.studio.gallery.get(done.result!.generationId).source).toMatchObject({ imageId: picture.id, outpaint: { right: 32 } });
    expect(t.studio.gallery.reuseParameters(done.result!.generationId).source).toMatchObject({ imageId: picture.id, strength: 1 });
  });

  it('measures fidelity only against a baseline from the same picture and settings, never a same-seed text-to-image run', async () => {
    const { sources, generation } = t.studio;
    const picture = await sources.store(await png(128, 128, '#c02020'), 'image');
    const run = async (params: Parameters<typeof quickParams>[0]) => {
      const [job] = generation.enqueue(quickParams({ seed: { mode: 'fixed', value: 777 }, ...params }));
      const done = await settled(t.studio, job!.id);
      expect(done.state).toBe('done');
      return done.result!;
    };
    await run({}); // text-to-image baseline, same prompt and seed
    const acceleratedAlone = await run({ accel: { mode: 'cached' }, source: source(picture.id) });
    expect(acceleratedAlone.fidelity).toBeNull();
    await run({ source: source(picture.id, { strength: 0.5 }) }); // another strength: not its baseline
    expect(t.studio.gallery.get(acceleratedAlone.generationId).psnrVsBaseline).toBeNull();
    const baseline = await run({ source: source(picture.id) });
    const psnr = t.studio.gallery.get(acceleratedAlone.generationId).psnrVsBaseline;
    console.log(`img2img cached vs its img2img baseline: ${psnr?.toFixed(2)} dB (baseline generation ${baseline.generationId})`);
    expect(psnr).toBeGreaterThan(15);
  });

  it('at the next start, removes the sources no generation uses any more (a day old at least), and keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dato-sources-sweep-'));
    try {
      const first = await openTestStudio({ dir });
      const { sources, generation, gallery } = first.studio;
      const [used, purged, unused, fresh] = await Promise.all(['#c02020', '#20c020', '#2020c0', '#c0c020'].map(async (c) => sources.store(await png(64, 64, c), 'image')));
      const run = async (imageId: number): Promise<number> => {
        const [job] = generation.enqueue(quickParams({ steps: 2, source: source(imageId) }));
        return (await settled(first.studio, job!.id)).result!.generationId;
      };
      await run(used!.id);
      await gallery.delete([await run(purged!.id)], true); // permanently: its source is used by nothing now
      const path = (id: number) => sources.filePath(id)!;
      const paths = { used: path(used!.id), purged: path(purged!.id), unused: path(unused!.id), fresh: path(fresh!.id) };
      // stored two days ago, except `fresh` (dropped in a moment ago, not yet run: it stays)
      first.studio.db.db.prepare('UPDATE source_images SET created_at = ? WHERE id <> ?').run(Date.now() - 2 * 24 * 3600 * 1000, fresh!.id);
      await first.close();

      const second = await openTestStudio({ dir });
      try {
        expect(second.studio.startup.sourcesRemoved).toBe(2);
        expect(second.studio.sources.filePath(used!.id)).toBe(paths.used);
        expect(second.studio.sources.filePath(fresh!.id)).toBe(paths.fresh);
        expect(second.studio.sources.filePath(purged!.id)).toBeNull();
        expect(second.studio.sources.filePath(unused!.id)).toBeNull();
        expect([paths.used, paths.purged, paths.unused, paths.fresh].map(existsSync)).toEqual([true, false, false, true]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
