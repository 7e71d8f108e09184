// F-01 happy path and failure path of saveGeneratedImage, and reading the saved metadata back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteImageFiles, saveGeneratedImage } from '../../../main/images/image-store';
import { readImageParameters } from '../../../main/images/external-image';
import { THUMBNAIL_MAX_EDGE } from '../../../main/images/thumbnails';
import { completion, createTestLibrary, generation, testPattern, type TestLibrary } from './store-fixture';

let lib: TestLibrary;
beforeEach(() => { lib = createTestLibrary('dato-store-'); });
afterEach(() => lib.dispose());

describe('saveGeneratedImage', () => {
  it('writes a lossless PNG with its metadata and a thumbnail, then the complete row with size and hash', async () => {
    const model = lib.db.models.add({ name: 'Demo Shapes', path: '/m/demo', kind: 'embedded', architecture: {}, sizeBytes: 1, fileMtime: 1, headerHash: 'h' });
    const rgb = testPattern(64, 48);
    const steps: string[] = [];
    const saved = await saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: generation({ modelId: model.id }),
      completion, rgb, width: 64, height: 48, appVersion: '0.1.0', modelHash: '0123456789', onProgress: (s) => steps.push(s),
    });
    expect(steps).toEqual(['pending-recorded', 'encoded', 'image-written', 'thumbnail-written', 'committed']);

    const file = readFileSync(saved.path);
    expect(createHash('sha256').update(file).digest('hex')).toBe(saved.sha256);
    const row = lib.db.generations.get(saved.generationId)!;
    expect(row).toMatchObject({ status: 'complete', provider: 'cpu', unetSeconds: 2.5, speedup: 2.1 });
    expect(row.image).toMatchObject({ path: saved.path, thumbPath: saved.thumbPath, bytes: file.length, sha256: saved.sha256, width: 64, height: 48 });

    const decoded = await sharp(file, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 64, height: 48, channels: 3 });
    expect(Buffer.compare(decoded.data, Buffer.from(rgb))).toBe(0);
    const thumb = await sharp(saved.thumbPath).metadata();
    expect(thumb.format).toBe('webp');
    expect(Math.max(thumb.width!, thumb.height!)).toBeLessThanOrEqual(THUMBNAIL_MAX_EDGE);

    const params = await readImageParameters(saved.path);
    expect(params.parameters).toMatchObject({
      prompt: 'a lighthouse at dusk, 富士山', negativePrompt: 'blurry', steps: 20, sampler: 'euler_a', cfg: 7.5,
      seed: row.seed, width: 64, height: 48, modelName: 'Demo Shapes', modelHash: '0123456789',
    });
    expect(params.studio).toMatchObject({ format: 1, appVersion: '0.1.0', mode: 'cached', schedule: 'F,S,S,F,S,S', accel: { cacheInterval: 3 }, provider: 'cpu', timings: completion.timings });
    expect(readdirSync(join(lib.outputDir, readdirSync(lib.outputDir).find((n) => /^\d{4}-/.test(n))!))).toHaveLength(1);
  });

  it('completes a pending row created at job start', async () => {
    const id = lib.db.generations.insertPending(generation());
    const saved = await saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: { pendingId: id }, completion,
      rgb: testPattern(64, 48), width: 64, height: 48, appVersion: '0.1.0',
    });
    expect(saved.generationId).toBe(id);
    expect(lib.db.generations.get(id)!.status).toBe('complete');
    await expect(saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: { pendingId: id }, completion,
      rgb: testPattern(64, 48), width: 64, height: 48, appVersion: '0.1.0',
    })).rejects.toMatchObject({ code: 'internal' });
  });

  it('on failure removes what it wrote, marks the row failed and throws an AppError', async () => {
    writeFileSync(lib.outputDir, 'a file where the output folder should be');
    const before = lib.db.generations.countByStatus();
    await expect(saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: generation(), completion,
      rgb: testPattern(64, 48), width: 64, height: 48, appVersion: '0.1.0',
    })).rejects.toMatchObject({ name: 'AppError' });
    const after = lib.db.generations.countByStatus();
    expect(after.failed).toBe(before.failed + 1);
    expect(after.complete).toBe(before.complete);
    expect(after.pending).toBe(0);
  });

  it('refuses pixel buffers that do not match the size, before touching the database', async () => {
    await expect(saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: generation(), completion,
      rgb: new Uint8Array(10), width: 64, height: 48, appVersion: '0.1.0',
    })).rejects.toMatchObject({ code: 'internal' });
    expect(lib.db.generations.countByStatus()).toEqual({ pending: 0, complete: 0, failed: 0, interrupted: 0 });
  });

  it('purged generations lose their files', async () => {
    const saved = await saveGeneratedImage({
      generations: lib.db.generations, outputDir: lib.outputDir, generation: generation(), completion,
      rgb: testPattern(64, 48), width: 64, height: 48, appVersion: '0.1.0',
    });
    lib.db.generations.softDelete([saved.generationId]);
    const { files } = lib.db.generations.purgeDeleted();
    await deleteImageFiles(files);
    expect(existsSync(saved.path) || existsSync(saved.thumbPath)).toBe(false);
  });
});
