// T-13 / F-03 / D-08 on a real full filesystem: a 2 MiB tmpfs mounted for the test (needs root, or
// CAP_SYS_ADMIN). Where mounting is not allowed the suite is skipped and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb, type StudioDb } from '../../../main/db';
import { mapSqliteError } from '../../../main/db/errors';
import { EngineError } from '../../../main/engine/errors';
import { writeFileAtomic } from '../../../main/images/atomic-write';
import { assertFreeSpace, freeBytes } from '../../../main/images/free-space';
import { saveGeneratedImage } from '../../../main/images/image-store';
import { completion, generation, testPattern } from './store-fixture';

const mountPoint = mkdtempSync(join(tmpdir(), 'dato-tmpfs-'));
const mounted = process.platform === 'linux'
  && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) console.log('disk-full tests SKIPPED: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN on Linux)');

/** Fill the filesystem until ENOSPC; returns the filler path (delete it to free the space). */
function fillDisk(dir: string, name = 'filler.bin'): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return path;
}

const tempFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true }).map(String).filter((n) => n.includes('.dato-tmp-'));

afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('disk full (tmpfs, 2 MiB)', () => {
  let db: StudioDb;
  const outputDir = join(mountPoint, 'out');
  beforeAll(() => {
    db = openStudioDb(join(mountPoint, 'data'));
    mkdirSync(outputDir, { recursive: true });
  });
  afterAll(() => db.close());

  it('atomic write: ENOSPC becomes disk-full and the temp file is removed', async () => {
    const error = await writeFileAtomic(join(outputDir, 'big.bin'), randomBytes(4 * 1024 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('disk-full');
    expect(tempFiles(mountPoint)).toEqual([]);
    expect(readdirSync(outputDir)).toEqual([]);
  });

  it('the free-space preflight refuses to start a job', async () => {
    await expect(assertFreeSpace(outputDir, 0)).rejects.toMatchObject({ code: 'disk-full' });
    await expect(assertFreeSpace(tmpdir(), 1024)).resolves.toBeUndefined();
  });

  it('saving an image on a full disk: disk-full, no temp files, no complete row, the row failed; then a save succeeds', async () => {
    // Leave ~200 KiB: enough for the database rows, not for a 512×512 noise PNG (~790 KiB).
    const keep = join(mountPoint, 'keep.bin');
    writeFileSync(keep, Buffer.alloc((await freeBytes(mountPoint)) - 200 * 1024));

    const noise = new Uint8Array(randomBytes(512 * 512 * 3));
    const error = await saveGeneratedImage({
      generations: db.generations, outputDir, generation: generation({ width: 512, height: 512 }), completion,
      rgb: noise, width: 512, height: 512, appVersion: 't',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'disk-full' });
    expect(tempFiles(mountPoint)).toEqual([]);
    expect(db.db.inTransaction).toBe(false);
    expect(db.generations.countByStatus()).toMatchObject({ complete: 0, pending: 0, failed: 1 });
    expect(db.images.listAll()).toEqual([]);

    rmSync(keep);
    const saved = await saveGeneratedImage({
      generations: db.generations, outputDir, generation: generation(), completion,
      rgb: testPattern(64, 48), width: 64, height: 48, appVersion: 't',
    });
    expect(db.generations.get(saved.generationId)!.status).toBe('complete');
  });

  // Also the regression test for INSERT … RETURNING through .get(), which reported an id for a row whose
  // commit had failed with SQLITE_FULL (see generations-repo.ts).
  it('a database write on a full disk fails as disk-full, reads keep working, writes resume once space is freed', async () => {
    const filler = fillDisk(mountPoint);
    expect(await freeBytes(mountPoint)).toBe(0);
    let error: unknown;
    try {
      db.generations.insertPending(generation({ prompt: 'x'.repeat(300 * 1024) }));
    } catch (err) {
      error = mapSqliteError(err);
    }
    expect(error).toMatchObject({ code: 'disk-full' });
    expect(db.db.inTransaction).toBe(false);
    expect(db.presets.list()).toHaveLength(6);
    expect(db.generations.countByStatus().complete).toBe(1);

    rmSync(filler);
    const id = db.generations.insertPending(generation({ prompt: 'after freeing space' }));
    expect(db.generations.get(id)!.prompt).toBe('after freeing space');
    expect(db.db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
  });
});
