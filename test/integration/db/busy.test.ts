// T-17: lock contention. A write waits up to busy_timeout for another connection's lock; past it the error
// is a retryable 'database-busy', and the connection stays usable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { DatabaseError, mapSqliteError } from '../../../main/db/errors';
import { SettingsRepo } from '../../../main/db/settings-repo';
import { repoRoot } from '../../helpers/paths';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-busy-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('busy database (T-17)', () => {
  it('a lock held longer than busy_timeout surfaces as a retryable database-busy error', () => {
    const file = join(dir, 'library.sqlite3');
    const db = openDatabase(file);
    const settings = new SettingsRepo(db);
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    let error: unknown;
    try {
      settings.set('theme', 'dark');
    } catch (err) {
      error = mapSqliteError(err);
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('database-busy');
    expect((error as DatabaseError).retryable).toBe(true);
    expect(db.inTransaction).toBe(false);
    other.prepare('ROLLBACK').run();
    other.close();
    settings.set('theme', 'dark');
    expect(settings.get('theme')).toBe('dark');
    closeDatabase(db);
  });

  it('a lock held briefly by another process only delays the write', async () => {
    const file = join(dir, 'library.sqlite3');
    const db = openDatabase(file);
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.prepare('BEGIN IMMEDIATE').run();
      process.stdout.write('locked\\n');
      setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, 400);
    `, file], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    new SettingsRepo(db).set('theme', 'light');
    expect(new SettingsRepo(db).get('theme')).toBe('light');
    await new Promise((r) => holder.on('exit', r));
    closeDatabase(db);
  });
});
