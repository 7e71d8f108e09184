// SQLite keeps its own copy of the acceleration modes (CHECK constraints of shipped migrations, which are
// never edited). This keeps that copy equal to the one vocabulary (preload/contract/vocabulary.ts): a new
// mode fails here until a migration teaches the database the new word.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from '../../../main/db/index';
import { ACCEL_MODES } from '../../../preload/contract/vocabulary';

describe('the database schema and the vocabulary', () => {
  it('every CHECK on a mode column lists exactly ACCEL_MODES', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dato-modes-'));
    const db = openStudioDb(dir);
    try {
      const schema = db.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").pluck().all() as string[];
      const lists = schema.flatMap((sql) => [...sql.matchAll(/\bmode\s+IN\s*\(([^)]*)\)/gi)].map((m) => m[1]!));
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) {
        expect([...list.matchAll(/'([^']*)'/g)].map((m) => m[1])).toEqual([...ACCEL_MODES]);
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
