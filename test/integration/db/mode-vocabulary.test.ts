// SQLite keeps its own copy of the acceleration modes and hires upscalers (CHECK constraints of shipped
// migrations, which are never edited). This keeps that copy equal to the one vocabulary
// (preload/contract/vocabulary.ts): a new word fails here until a migration teaches the database the new word.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from '../../../main/db/index';
import { ACCEL_MODES, HIRES_UPSCALERS } from '../../../preload/contract/vocabulary';

describe('the database schema and the vocabulary', () => {
  it.each([
    ['a mode column', /\bmode\s+IN\s*\(([^)]*)\)/gi, ACCEL_MODES],
    ['the hires upscaler', /'\$\.upscaler'\)\s+IN\s*\(([^)]*)\)/gi, HIRES_UPSCALERS],
  ] as const)('every CHECK on %s lists exactly the vocabulary', (_what, pattern, words) => {
    const dir = mkdtempSync(join(tmpdir(), 'dato-modes-'));
    const db = openStudioDb(dir);
    try {
      const schema = db.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").pluck().all() as string[];
      const lists = schema.flatMap((sql) => [...sql.matchAll(pattern)].map((m) => m[1]!));
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) {
        expect([...list.matchAll(/'([^']*)'/g)].map((m) => m[1])).toEqual([...words]);
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
