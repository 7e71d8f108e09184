// T-17 for every write path: another process holds the write lock for 1.5 s (less than busy_timeout) and
// each write method must wait it out and succeed. A deferred transaction that reads before it writes
// cannot wait (SQLite answers SQLITE_BUSY at once rather than risk a deadlock), which is why every
// multi-statement write begins IMMEDIATE; this test catches any write path that does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStateRepo } from '../../../main/db/app-state-repo';
import { openStudioDb, DATABASE_FILE_NAME, type StudioDb } from '../../../main/db/index';
import { purgeGenerationsById } from '../../../main/db/generation-purge';
import { repoRoot } from '../../helpers/paths';
import { openTestStudio, quickParams, settled } from '../services/studio-fixture';
import { completion, fakeImage, newGeneration } from './generation-fixture';

const HOLD_MS = 1500;

/** Another process takes the write lock (BEGIN IMMEDIATE) and keeps it HOLD_MS; resolves once it holds it. */
async function holdWriteLock(file: string): Promise<{ released: Promise<void> }> {
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.prepare('BEGIN IMMEDIATE').run();
    db.prepare("INSERT INTO settings (key, value) VALUES ('state:holder', '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value").run();
    process.stdout.write('locked\\n');
    setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, ${HOLD_MS});
  `, file], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return { released: new Promise((resolve) => holder.once('exit', () => resolve())) };
}

let dir: string;
let db: StudioDb;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dato-busy-writes-')); db = openStudioDb(dir); });
afterAll(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

const file = (): string => join(dir, DATABASE_FILE_NAME);
const model = (path: string) => ({ name: 'm', path, kind: 'single-file' as const, architecture: {}, sizeBytes: 1, fileMtime: 1, headerHash: 'h' });

/**
 * Each write method of the library, run against rows the previous ones made; `setup` (run before the lock is
 * taken) makes what the write needs and hands it over, so the timed call is the write alone.
 */
const WRITES: [string, (arg: number) => unknown, (() => number)?][] = [
  ['models.add', () => db.models.add(model('/m/a.safetensors'))],
  ['models.updateFingerprint', () => db.models.updateFingerprint(db.models.getByPath('/m/a.safetensors')!.id, { sizeBytes: 2, fileMtime: 2, headerHash: 'h2' }, {})],
  ['models.rename', () => db.models.rename(db.models.getByPath('/m/a.safetensors')!.id, 'renamed')],
  ['models.setDefault', () => db.models.setDefault(db.models.getByPath('/m/a.safetensors')!.id)],
  ['generations.insertPending', () => db.generations.insertPending(newGeneration())],
  ['generations.markComplete', (id) => db.generations.markComplete(id, fakeImage('busy-1'), completion), () => db.generations.insertPending(newGeneration())],
  ['generations.markFailed', (id) => db.generations.markFailed(id, 'failed'), () => db.generations.insertPending(newGeneration())],
  ['generations.setFavourite', () => db.generations.setFavourite(db.generations.listPending()[0]!.id, true)],
  ['generations.softDelete', () => db.generations.softDelete([db.generations.listPending()[0]!.id])],
  ['generations.undoDelete', () => db.generations.undoDelete([db.generations.listPending()[0]!.id])],
  ['generations.purgeDeleted', () => db.generations.purgeDeleted(), () => db.generations.softDelete([db.generations.listPending()[0]!.id])[0]!],
  ['purgeGenerationsById', (id) => purgeGenerationsById(db.db, [id]), () => db.generations.insertPending(newGeneration())],
  ['images.setMissing', () => db.images.setMissing(db.images.listAll()[0]!.id, true)],
  ['images.setThumbPath', () => db.images.setThumbPath(db.images.listAll()[0]!.id, null)],
  ['presets.create', () => db.presets.create({ name: 'busy', mode: 'cached', schedule: null, accel: {} })],
  ['presets.update', () => db.presets.update(db.presets.getByName('busy')!.id, { name: 'busy', mode: 'dato', schedule: null, accel: {} })],
  ['presets.remove', () => db.presets.remove(db.presets.getByName('busy')!.id)],
  ['settings.set', () => db.settings.set('theme', 'dark')],
  ['settings.reset', () => db.settings.reset('theme')],
  ['comparisons.create', () => db.comparisons.create('p', 1)],
  ['comparisons.setBaseline', (id) => db.comparisons.setBaseline(db.comparisons.listRecent(1)[0]!.id, id), () => db.generations.insertPending(newGeneration())],
  ['comparisons.addMember', (id) => db.comparisons.addMember(db.comparisons.listRecent(1)[0]!.id, id), () => db.generations.insertPending(newGeneration())],
  ['comparisons.setMetrics', () => db.comparisons.setMetrics(db.comparisons.members(db.comparisons.listRecent(1)[0]!.id)[0]!.id, { psnrVsBaseline: 30, speedup: 2 })],
  ['comparisons.remove', () => db.comparisons.remove(db.comparisons.listRecent(1)[0]!.id)],
  ['appState.set', () => new AppStateRepo(db.db).set('k', { v: 1 })],
  ['appState.delete', () => new AppStateRepo(db.db).delete('k')],
  ['addons.add', () => db.addons.add({ kind: 'lora', name: 'l', path: '/a/l.safetensors', info: {}, hash: 'h', preview: null, sizeBytes: 1, fileMtime: 1 })],
  ['addons.setApplied', (id) => db.addons.setApplied(id, { clipSkip: 2 }), () => db.generations.insertPending(newGeneration())],
  ['addons.remove', () => db.addons.remove(db.addons.list()[0]!.id)],
  ['models.remove', () => db.models.remove(db.models.getByPath('/m/a.safetensors')!.id)],
];

describe(`every write waits out another process's ${HOLD_MS} ms write lock`, () => {
  it.each(WRITES)('%s', async (_name, write, setup) => {
    const arg = setup?.() ?? 0;
    const { released } = await holdWriteLock(file());
    expect(() => write(arg)).not.toThrow();
    await released;
    expect(new AppStateRepo(db.db).get('holder', (v): v is unknown => true)).toBe(1); // the holder committed too
  });
});

describe('generation.enqueue (reads the model, then writes the pending rows)', () => {
  it('waits out the lock and the job runs', async () => {
    const t = await openTestStudio();
    try {
      const { released } = await holdWriteLock(join(t.dir, DATABASE_FILE_NAME));
      const [job] = t.studio.generation.enqueue(quickParams());
      await released;
      expect((await settled(t.studio, job!.id)).state).toBe('done');
    } finally {
      await t.close();
    }
  });
});
