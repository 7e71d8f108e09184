// Migration 004 (issue 11: the `addons` table and `generations.addons`) on a library written before it, and
// the add-ons repository: upsert by path, list by kind and name, removal, and what a generation applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb } from '../../../main/db';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { MIGRATIONS } from '../../../main/db/migrations';
import { newGeneration } from './generation-fixture';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-addons-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const addon = (name: string, kind: 'lora' | 'embedding' | 'vae' = 'lora') => ({
  kind, name, path: `/library/${name}.safetensors`, info: { kind, layout: 'kohya' }, hash: `${name}-hash`, preview: null, sizeBytes: 10, fileMtime: 1,
});

describe('migration 004 (add-ons)', () => {
  it('keeps the generations of an older library and adds an empty add-ons column to them', () => {
    const migration = MIGRATIONS.findIndex((m) => m.name === 'addons');
    const before = openDatabase(join(dir, 'library.sqlite3'), { migrations: MIGRATIONS.slice(0, migration) });
    before.prepare(`INSERT INTO generations (job_id, prompt, sampler, steps, cfg, width, height, seed, mode, status, created_at)
      VALUES ('a', 'a red fox', 'ddim', 30, 5, 64, 64, 1, 'dato', 'complete', 1)`).run();
    closeDatabase(before);
    const studio = openStudioDb(dir);
    try {
      expect(studio.db.prepare('SELECT id, prompt, addons FROM generations').all()).toEqual([{ id: 1, prompt: 'a red fox', addons: null }]);
      expect(studio.addons.applied(1)).toBeNull();
      expect(studio.addons.list()).toEqual([]);
    } finally {
      studio.close();
    }
  });
});

describe('add-ons repository', () => {
  it('adds, refreshes by path, lists by kind then name, removes; stores what a generation applied', () => {
    const studio = openStudioDb(dir);
    try {
      const b = studio.addons.add(addon('b-lora'), 5);
      studio.addons.add(addon('a-vae', 'vae'));
      studio.addons.add(addon('A-lora'));
      expect(studio.addons.list().map((a) => [a.kind, a.name])).toEqual([['lora', 'A-lora'], ['lora', 'b-lora'], ['vae', 'a-vae']]);
      const again = studio.addons.add({ ...addon('b-lora'), hash: 'new', preview: 'data:image/png;base64,AA==' }, 9);
      expect(again).toMatchObject({ id: b.id, hash: 'new', preview: 'data:image/png;base64,AA==', addedAt: 5 });
      expect(studio.addons.remove(b.id)).toBe(true);
      expect(studio.addons.get(b.id)).toBeUndefined();
      expect(() => studio.db.prepare("INSERT INTO addons (kind, name, path, info, hash, size_bytes, file_mtime, added_at) VALUES ('checkpoint', 'x', '/x', '{}', 'h', 1, 1, 1)").run()).toThrow(/CHECK/);

      const id = studio.generations.insertPending(newGeneration({}));
      const applied = { loras: [{ name: 'b-lora', hash: 'h', unet: 0.8, text: 0.5 }], embeddings: [], vae: null, clipSkip: 2 };
      studio.addons.setApplied(id, applied);
      expect(studio.addons.applied(id)).toEqual(applied);
      studio.addons.setApplied(id, null);
      expect(studio.addons.applied(id)).toBeNull();
    } finally {
      studio.close();
    }
  });
});
