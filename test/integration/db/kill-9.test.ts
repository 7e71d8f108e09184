// T-11: a writer process killed with SIGKILL at a random moment loses no acknowledged transaction and
// leaves a database that passes integrity_check, with no partially applied transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { readPragmas } from '../../../main/db/pragmas';
import { bundleChild, collectLines, spawnChild, waitForExit } from './child-process';

const ROUNDS = 6;
let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dato-kill9-'));
  script = await bundleChild(join(__dirname, 'kill9-writer.child.ts'), dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function killedRun(file: string, delayMs: number): Promise<number[]> {
  const child = spawnChild(script, [file]);
  const exited = waitForExit(child);
  const lines = collectLines(child);
  const deadline = Date.now() + 30_000;
  // Kill at a random moment after the first acknowledged commit: on a loaded machine a fixed delay after 'ready'
  // could end the writer before it committed anything, which tests nothing.
  const acked = () => lines.some((l) => l !== 'ready');
  while (!acked() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(lines).toContain('ready');
  expect(acked(), 'the writer acknowledged no commit within 30 s').toBe(true);
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  const { signal, stderr } = await exited;
  expect(signal, stderr).toBe('SIGKILL');
  return lines.filter((l) => l !== 'ready').flatMap((l) => l.split(',').map(Number));
}

describe('SQLite under kill -9 (T-11)', () => {
  it(`keeps every acknowledged commit over ${ROUNDS} killed writers`, async () => {
    const file = join(dir, 'library.sqlite3');
    const acknowledged: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await killedRun(file, Math.floor(Math.random() * 500));
      expect(ids.length).toBeGreaterThan(0);
      acknowledged.push(...ids);

      const db = openDatabase(file); // after a kill the -wal is non-empty: this runs the full integrity_check
      try {
        expect(db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
        expect(readPragmas(db)).toMatchObject({ journalMode: 'wal', synchronous: 2, foreignKeys: 1 });
        const present = new Set(db.prepare('SELECT id FROM generations').pluck().all() as number[]);
        const lost = acknowledged.filter((id) => !present.has(id));
        expect(lost).toEqual([]);
        // Each transaction wrote 3 generations and their 3 image rows: nothing half-applied.
        expect(present.size % 3).toBe(0);
        const orphans = db.prepare(`SELECT count(*) FROM generations g LEFT JOIN images i ON i.generation_id = g.id
          WHERE i.id IS NULL OR g.status <> 'complete'`).pluck().get();
        expect(orphans).toBe(0);
        console.log(`round ${round}: ${ids.length} acknowledged this run, ${present.size} rows, ${present.size - acknowledged.length} committed but unacknowledged`);
      } finally {
        closeDatabase(db);
      }
    }
  });
});
