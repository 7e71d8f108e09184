// Migration 003 (image-to-image sources: source_images, generation_sources) on a library written at
// version 2 with rows in it, and the source-images repository: one row per distinct file, a generation's
// source and settings, found again from the library image's hash, and gone with a purged generation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb } from '../../../main/db';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { MIGRATIONS } from '../../../main/db/migrations';
import { completion, fakeImage, newGeneration } from './generation-fixture';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-sources-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const picture = { kind: 'image' as const, path: '/lib/sources/image-aa.png', width: 128, height: 96, bytes: 100, sha256: 'aa'.repeat(32) };
const settings = { strength: 0.6, resizeMode: 'crop', maskBlur: 4, maskedContent: 'original', inpaintArea: 'whole', padding: 32, outpaint: null };

describe('migration 003', () => {
  it('keeps v2 rows and search, and adds the source tables', () => {
    const file = join(dir, 'library.sqlite3');
    const v2 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
    v2.prepare(`INSERT INTO generations (job_id, prompt, sampler, steps, cfg, width, height, seed, mode, status, created_at)
      VALUES ('a', 'a red fox', 'ddim', 30, 5, 64, 64, 1, 'calibrated', 'complete', 1)`).run();
    closeDatabase(v2);

    const studio = openStudioDb(dir);
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(3);
      expect(studio.db.prepare('SELECT id, prompt, mode FROM generations').all()).toEqual([{ id: 1, prompt: 'a red fox', mode: 'calibrated' }]);
      expect(studio.db.prepare("SELECT rowid FROM generations_fts WHERE generations_fts MATCH 'fox'").pluck().all()).toEqual([1]);
      expect(studio.sources.ofGeneration(1)).toBeNull();
      const tables = studio.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('source_images', 'generation_sources') ORDER BY name").pluck().all();
      expect(tables).toEqual(['generation_sources', 'source_images']);
      expect(studio.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    } finally {
      studio.close();
    }
  });
});

describe('source images repository', () => {
  it('one row per kind and file; a generation\'s source and settings; found from its image; gone with the generation', () => {
    const studio = openStudioDb(dir);
    try {
      const a = studio.sources.insertOrGet(picture);
      expect(studio.sources.insertOrGet({ ...picture, path: '/elsewhere.png' })).toEqual(a);
      const mask = studio.sources.insertOrGet({ ...picture, kind: 'mask', path: '/lib/sources/mask-aa.png' });
      expect(mask.id).not.toBe(a.id); // the same bytes as a mask are another row
      expect(studio.sources.get(a.id)).toMatchObject({ kind: 'image', width: 128, height: 96 });
      expect(studio.sources.byHash('image', picture.sha256)?.id).toBe(a.id);

      const g = studio.generations.insertPending(newGeneration({ prompt: 'a blue whale' }));
      studio.sources.link(g, { imageId: a.id, maskId: mask.id, settings });
      expect(studio.sources.ofGeneration(g)).toEqual({ imageId: a.id, maskId: mask.id, settings });
      studio.generations.markComplete(g, { ...fakeImage('w'), sha256: 'cd'.repeat(32) }, completion);
      expect(studio.sources.ofLibraryImage('cd'.repeat(32))?.imageId).toBe(a.id);
      expect(studio.sources.ofLibraryImage('ef'.repeat(32))).toBeNull();
      // search finds image-to-image generations like any other
      expect(studio.db.prepare("SELECT rowid FROM generations_fts WHERE generations_fts MATCH 'whale'").pluck().all()).toEqual([g]);

      expect(() => studio.sources.link(g, { imageId: 999, maskId: null, settings })).toThrow(); // unknown picture, and one row per generation
      studio.db.prepare('DELETE FROM images WHERE generation_id = ?').run(g);
      studio.db.prepare('DELETE FROM generations WHERE id = ?').run(g);
      expect(studio.sources.ofGeneration(g)).toBeNull();
      expect(studio.sources.get(a.id)).not.toBeNull(); // the shared file's row stays
    } finally {
      studio.close();
    }
  });
});
