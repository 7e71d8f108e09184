// T-12 (pragmas), T-15 (migrations), T-16 (corruption is reported, never repaired by deletion).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { readPragmas, BUSY_TIMEOUT_MS, JOURNAL_SIZE_LIMIT_BYTES } from '../../../main/db/pragmas';
import { applyMigrations, schemaVersion, type Migration } from '../../../main/db/migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../main/db/migrations';
import { DatabaseError } from '../../../main/db/errors';
import { openStudioDb } from '../../../main/db';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-db-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function schemaSnapshot(db: Database.Database): string[] {
  return (db.prepare("SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .pluck().all() as string[]);
}

describe('openDatabase', () => {
  it('sets and reads back WAL, synchronous=FULL, foreign_keys, busy_timeout, journal_size_limit', () => {
    const db = openDatabase(join(dir, 'a.sqlite3'));
    expect(readPragmas(db)).toEqual({
      journalMode: 'wal', synchronous: 2, foreignKeys: 1, busyTimeout: BUSY_TIMEOUT_MS,
      journalSizeLimit: JOURNAL_SIZE_LIMIT_BYTES, walAutocheckpoint: 1000,
    });
    closeDatabase(db);
  });

  it('creates the full schema at the latest user_version, with the built-in presets', () => {
    const db = openDatabase(join(dir, 'a.sqlite3'));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const names = schemaSnapshot(db);
    for (const t of ['models', 'generations', 'images', 'comparison_groups', 'presets', 'settings', 'generations_fts', 'calibrations']) {
      expect(names).toContain(`table ${t}`);
    }
    for (const i of ['generations_gallery_created', 'generations_gallery_model', 'generations_gallery_mode',
      'generations_gallery_favourite', 'generations_deleted', 'generations_pending']) {
      expect(names).toContain(`index ${i}`);
    }
    for (const t of ['generations_fts_insert', 'generations_fts_delete', 'generations_fts_update']) expect(names).toContain(`trigger ${t}`);
    expect(db.prepare('SELECT name, mode, builtin FROM presets ORDER BY id').all()).toEqual([
      { name: 'Baseline', mode: 'baseline', builtin: 1 },
      { name: 'Cached-only', mode: 'cached', builtin: 1 },
      { name: 'DaTo', mode: 'dato', builtin: 1 },
      { name: 'DaTo fast', mode: 'dato-fast', builtin: 1 },
      { name: 'Calibrated', mode: 'calibrated', builtin: 1 },
      { name: 'Adaptive', mode: 'adaptive', builtin: 1 },
    ]);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    closeDatabase(db);
  });

  it('reopening is idempotent and a clean close leaves no -wal behind', () => {
    const file = join(dir, 'a.sqlite3');
    closeDatabase(openDatabase(file));
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    closeDatabase(db);
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  });

  it('refuses to write to a database newer than the app, leaves it untouched, and opens it read-only', () => {
    const file = join(dir, 'a.sqlite3');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    closeDatabase(db);
    const before = sha(file);

    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'database-too-new' }));
    expect(sha(file)).toBe(before);

    const ro = openDatabase(file, { readonly: true });
    expect(schemaVersion(ro)).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(() => ro.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"dark\"')").run()).toThrow(/readonly/i);
    closeDatabase(ro);
    expect(sha(file)).toBe(before);

    const studio = openStudioDb(dir.concat('/studio'));
    studio.close();
    const studioFile = join(dir, 'studio', 'library.sqlite3');
    const raw = new Database(studioFile);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const reopened = openStudioDb(join(dir, 'studio'));
    expect(reopened.readonly).toBe(true);
    expect(reopened.presets.list()).toHaveLength(6);
    reopened.close();
  });
});

describe('migrations (T-15)', () => {
  const L = LATEST_SCHEMA_VERSION;
  const v2: Migration = { version: L + 1, name: 'add-notes', sql: "ALTER TABLE generations ADD COLUMN notes TEXT NOT NULL DEFAULT '';" };
  const brokenV3: Migration = {
    version: L + 2, name: 'broken',
    sql: `CREATE TABLE scratch (id INTEGER PRIMARY KEY);
          INSERT INTO scratch (id) VALUES (1);
          UPDATE settings SET value = '"changed"';
          INSERT INTO no_such_table VALUES (1);`,
  };

  function seed(file: string): void {
    const db = openDatabase(file);
    db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"dark\"')").run();
    closeDatabase(db);
  }

  it('a failure mid-migration leaves data, schema and user_version unchanged', () => {
    const file = join(dir, 'a.sqlite3');
    seed(file);
    const db = openDatabase(file);
    const schemaBefore = schemaSnapshot(db);
    let error: unknown;
    try {
      applyMigrations(db, [...MIGRATIONS, v2, brokenV3]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('database-migration-failed');
    expect((error as DatabaseError).detail).toMatch(/no_such_table/);
    // v2 committed on its own; v3 rolled back completely.
    expect(schemaVersion(db)).toBe(L + 1);
    expect(schemaSnapshot(db)).toEqual(schemaBefore);
    expect(db.prepare("SELECT count(*) FROM pragma_table_info('generations') WHERE name = 'notes'").pluck().get()).toBe(1);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"dark"');
    expect(Number(db.pragma('foreign_keys', { simple: true }))).toBe(1);
    closeDatabase(db);
  });

  it('opening with a newer migration list snapshots the old database first, then migrates', () => {
    const file = join(dir, 'a.sqlite3');
    seed(file);
    const db = openDatabase(file, { migrations: [...MIGRATIONS, v2] });
    expect(schemaVersion(db)).toBe(L + 1);
    closeDatabase(db);
    const backups = readdirSync(dir).filter((n) => n.startsWith(`a.sqlite3.v${L}-before-v${L + 1}.`));
    expect(backups).toHaveLength(1);
    const backup = new Database(join(dir, backups[0]!), { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(L);
    expect(backup.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"dark"');
    backup.close();
  });

  it('a failed migration during open is reported and the database stays at its version', () => {
    const file = join(dir, 'a.sqlite3');
    seed(file);
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, v2, brokenV3] }))
      .toThrowError(expect.objectContaining({ code: 'database-migration-failed' }));
    const db = openDatabase(file, { readonly: true });
    expect(schemaVersion(db)).toBe(L + 1);
    closeDatabase(db);
  });
});

describe('corruption (T-16)', () => {
  it('a damaged file is reported as database-corrupt and neither it nor its -wal is deleted', () => {
    const file = join(dir, 'a.sqlite3');
    const db = openDatabase(file);
    const insert = db.prepare("INSERT INTO settings (key, value) VALUES (?, '1')");
    db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run(`key-${i}`); })();
    closeDatabase(db);
    const bytes = readFileSync(file);
    // Overwrite page 3 onwards (table b-tree pages) with garbage, keeping the header valid.
    bytes.fill(0xa5, 4096 * 2, 4096 * 6);
    writeFileSync(file, bytes);
    writeFileSync(`${file}-wal`, Buffer.alloc(0));
    const before = sha(file);

    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'database-corrupt' }));
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(sha(file)).toBe(before);
  });

  it('a file that is not a database at all is reported as database-corrupt', () => {
    const file = join(dir, 'a.sqlite3');
    writeFileSync(file, Buffer.alloc(8192, 0x41));
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'database-corrupt' }));
    expect(readFileSync(file).equals(Buffer.alloc(8192, 0x41))).toBe(true);
  });
});
