// F-02: each reconciliation rule on a library built into the state it handles.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { saveGeneratedImage, type SavedImage } from '../../../main/images/image-store';
import { reconcile } from '../../../main/images/reconcile';
import { uniqueTempPath } from '../../../main/common/atomic-file';
import { newImagePaths, QUARANTINE_DIR } from '../../../main/images/library-layout';
import { completion, createTestLibrary, generation, testPattern, type TestLibrary } from './store-fixture';

let lib: TestLibrary;
beforeEach(() => { lib = createTestLibrary('dato-reconcile-'); });
afterEach(() => lib.dispose());

function save(salt = 0): Promise<SavedImage> {
  return saveGeneratedImage({
    generations: lib.db.generations, outputDir: lib.outputDir, generation: generation(), completion,
    rgb: testPattern(64, 48, salt), width: 64, height: 48, appVersion: 't',
  });
}

describe('reconcile', () => {
  it('removes temp files, quarantines orphan images, removes orphan thumbnails, leaves user files alone', async () => {
    const kept = await save();
    const dayDir = dirname(kept.path);
    const tempImage = uniqueTempPath(dayDir);
    writeFileSync(tempImage, 'half a png'); // killed inside writeFileAtomic, before the rename
    const tempThumb = uniqueTempPath(dirname(kept.thumbPath));
    writeFileSync(tempThumb, 'half a webp');
    const orphan = newImagePaths(lib.outputDir, 999, 1, Date.now());
    mkdirSync(orphan.dir, { recursive: true });
    writeFileSync(orphan.image, readFileSync(kept.path));
    writeFileSync(orphan.thumbnail, 'orphan thumb');
    mkdirSync(join(lib.outputDir, QUARANTINE_DIR), { recursive: true });
    writeFileSync(join(lib.outputDir, QUARANTINE_DIR, basename(orphan.image)), 'an earlier orphan with the same name');
    const userFiles = [join(dayDir, 'IMG_0001.png'), join(lib.outputDir, 'holiday.png'), join(dayDir, 'notes.txt')];
    for (const f of userFiles) writeFileSync(f, 'mine');

    const report = await reconcile(lib.outputDir, lib.db);
    expect(report.tempFilesRemoved.sort()).toEqual([tempImage, tempThumb].sort());
    expect(report.quarantined).toEqual([{ from: orphan.image, to: join(lib.outputDir, QUARANTINE_DIR, basename(orphan.image).replace('.png', '-1.png')) }]);
    expect(readFileSync(report.quarantined[0]!.to).equals(readFileSync(kept.path))).toBe(true);
    expect(report.thumbnailsRemoved).toEqual([orphan.thumbnail]);
    expect(report.missing).toEqual([]);
    for (const f of userFiles) expect(readFileSync(f, 'utf8')).toBe('mine');
    expect(existsSync(kept.path) && existsSync(kept.thumbPath)).toBe(true);
  });

  it('flags complete rows whose file is gone or changed size, and clears the flag when it is back', async () => {
    const gone = await save(1);
    const resized = await save(2);
    renameSync(gone.path, `${gone.path}.away`);
    writeFileSync(resized.path, Buffer.concat([readFileSync(resized.path), Buffer.from('extra')]));

    const first = await reconcile(lib.outputDir, lib.db);
    expect(first.missing.map((m) => m.generationId).sort()).toEqual([gone.generationId, resized.generationId].sort());
    expect(lib.db.generations.get(gone.generationId)).toMatchObject({ status: 'complete', image: { missing: true } });

    renameSync(`${gone.path}.away`, gone.path);
    const second = await reconcile(lib.outputDir, lib.db);
    expect(second.found).toEqual([gone.generationId]);
    expect(lib.db.generations.get(gone.generationId)!.image!.missing).toBe(false);
    expect(second.missing.map((m) => m.generationId)).toEqual([resized.generationId]);
  });

  it('renders a missing thumbnail again from the PNG; an undecodable PNG is flagged instead', async () => {
    const ok = await save(3);
    const broken = await save(4);
    rmSync(ok.thumbPath);
    rmSync(broken.thumbPath);
    const size = readFileSync(broken.path).length;
    writeFileSync(broken.path, Buffer.alloc(size, 0x42));

    const report = await reconcile(lib.outputDir, lib.db);
    expect(report.thumbnailsRendered).toEqual([ok.generationId]);
    expect((await sharp(ok.thumbPath).metadata()).format).toBe('webp');
    expect(report.missing).toEqual([{ generationId: broken.generationId, path: broken.path }]);
  });

  it('keeps the files of soft-deleted generations (undo must still work)', async () => {
    const deleted = await save(5);
    lib.db.generations.softDelete([deleted.generationId]);
    const report = await reconcile(lib.outputDir, lib.db);
    expect(report.quarantined).toEqual([]);
    expect(existsSync(deleted.path)).toBe(true);
  });

  it('works on an output folder that does not exist yet', async () => {
    const report = await reconcile(join(lib.root, 'never-created'), lib.db);
    expect(report.quarantined).toEqual([]);
  });
});
