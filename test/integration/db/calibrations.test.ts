// Migration 002 (calibrations table, modes calibrated/adaptive, the Calibrated and Adaptive presets) on a
// library written at version 1 with rows in it, and the calibrations repository.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb } from '../../../main/db';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../main/db/migrations';
import { newGeneration } from './generation-fixture';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-calibrations-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const key = { fingerprint: 'abc:123', sampler: 'ddim', steps: 30, cfg: 5, width: 128, height: 128 };

describe('migration 002', () => {
  it('keeps v1 rows, ids, the id high-water mark and search; accepts the new modes', () => {
    const file = join(dir, 'library.sqlite3');
    const v1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    const insert = v1.prepare(`INSERT INTO generations (job_id, prompt, sampler, steps, cfg, width, height, seed, mode, status, created_at)
      VALUES (?, ?, 'ddim', 30, 5, 64, 64, 1, 'dato', 'complete', 1)`);
    insert.run('a', 'a red fox');
    insert.run('b', 'a blue whale');
    insert.run('c', 'a green frog');
    v1.prepare("DELETE FROM generations WHERE job_id = 'c'").run(); // the newest id (3) is purged
    v1.prepare("INSERT INTO presets (name, mode, accel) VALUES ('mine', 'cached', '{}')").run();
    closeDatabase(v1);

    const studio = openStudioDb(dir);
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.db.prepare('SELECT id, prompt, mode FROM generations ORDER BY id').all())
        .toEqual([{ id: 1, prompt: 'a red fox', mode: 'dato' }, { id: 2, prompt: 'a blue whale', mode: 'dato' }]);
      expect(studio.db.prepare("SELECT rowid FROM generations_fts WHERE generations_fts MATCH 'whale'").pluck().all()).toEqual([2]);
      const id = studio.generations.insertPending(newGeneration({ mode: 'calibrated', schedule: 'F,M,S,K' }));
      expect(id).toBe(4); // never 3 again
      studio.generations.insertPending(newGeneration({ mode: 'adaptive' }));
      const presets = studio.presets.list().map((p) => [p.name, p.mode, p.builtin]);
      expect(presets).toHaveLength(7);
      expect(presets).toEqual(expect.arrayContaining([['mine', 'cached', false], ['Calibrated', 'calibrated', true], ['Adaptive', 'adaptive', true]]));
      expect(studio.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    } finally {
      studio.close();
    }
  });
});

describe('calibrations repository', () => {
  it('stores progress, then the finished front, one row per key; lists complete ones per model', () => {
    const studio = openStudioDb(dir);
    try {
      expect(studio.calibrations.get(key)).toBeUndefined();
      studio.calibrations.save(key, { front: [], state: { measured: { x: { cost: 0.3, psnr: 33 } } }, complete: false, seconds: 12 }, 1);
      expect(studio.calibrations.get(key)).toMatchObject({ complete: false, seconds: 12, state: { measured: { x: { cost: 0.3, psnr: 33 } } } });
      expect(studio.calibrations.listForModel(key.fingerprint)).toEqual([]);
      const front = [{ schedule: 'F,K,K', pruneRatio: 0, macSpeedup: 3, psnr: 38.5 }];
      studio.calibrations.save(key, { front, state: null, complete: true, seconds: 300 }, 2);
      expect(studio.calibrations.get(key)).toMatchObject({ ...key, front, state: null, complete: true, seconds: 300, updatedAt: 2 });
      studio.calibrations.save({ ...key, steps: 50 }, { front, state: null, complete: true, seconds: 1 }, 3);
      expect(studio.calibrations.listForModel(key.fingerprint).map((c) => c.steps)).toEqual([50, 30]);
    } finally {
      studio.close();
    }
  });
});
