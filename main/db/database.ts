// Opening and closing the library database: pragmas read back (D-01/D-02), a health check on every open
// (D-06), migrations by user_version with a snapshot first (D-04/D-05), and a WAL checkpoint on close (D-07).
// A damaged database is reported, never deleted or recreated, and its -wal/-shm are never touched.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { configureConnection, BUSY_TIMEOUT_MS } from './pragmas';
import { applyMigrations, assertNotNewer, latestVersion, schemaVersion, type Migration } from './migrate';
import { snapshotDatabaseSync } from './backup';
import { DatabaseError } from './errors';
import { MIGRATIONS } from './migrations';

export interface OpenDatabaseOptions {
  /** Open without writing anything: no pragmas that write, no migrations. */
  readonly?: boolean;
  /** The migration list; tests pass their own, the app uses the built-in one. */
  migrations?: readonly Migration[];
}

/** A WAL file left with content means the last session did not close cleanly (crash, kill, power loss). */
function hadUncleanShutdown(file: string): boolean {
  const wal = `${file}-wal`;
  return existsSync(wal) && statSync(wal).size > 0;
}

function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function corrupt(file: string, detail: string): DatabaseError {
  return new DatabaseError('database-corrupt',
    'The library database is damaged. Your images on disk are untouched; restore the library from a backup ' +
    '(the damaged file is kept as it is).', `${file}: ${detail}`);
}

/** quick_check on every open; the full integrity_check after an unclean shutdown (D-06). */
function checkHealth(db: Database.Database, file: string, full: boolean): void {
  const pragma = full ? 'integrity_check(20)' : 'quick_check(20)';
  const result = db.prepare(`PRAGMA ${pragma}`).pluck().all() as string[];
  if (result.length !== 1 || result[0] !== 'ok') throw corrupt(file, result.join('; '));
}

function backupBeforeMigrating(db: Database.Database, file: string, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = latestVersion(migrations);
  if (current === 0 || current >= latest) return;
  snapshotDatabaseSync(db, `${file}.v${current}-before-v${latest}.${Date.now()}.bak`);
}

function openConnection(file: string, readonly: boolean): Database.Database {
  try {
    return new Database(file, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw isCorruptionError(err) ? corrupt(file, String(err)) : err;
  }
}

/**
 * Check an existing file through a read-only connection first: closing a read-write connection checkpoints
 * the WAL into the main file and deletes it, which would rewrite the evidence of a damaged database.
 */
function checkExistingFile(file: string, full: boolean): void {
  const probe = openConnection(file, true);
  try {
    probe.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    checkHealth(probe, file, full);
  } catch (err) {
    throw isCorruptionError(err) ? corrupt(file, String(err)) : err;
  } finally {
    probe.close();
  }
}

/**
 * Open (creating if needed, unless read-only) the database at `file`, configured and migrated.
 * Throws DatabaseError: 'database-corrupt' (health check failed), 'database-too-new' (newer schema and not
 * read-only), 'database-migration-failed', 'database-misconfigured'.
 * A read-only open skips migrations and accepts a newer schema, so an old app can still show the gallery.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  const readonly = options.readonly ?? false;
  const migrations = options.migrations ?? MIGRATIONS;
  if (existsSync(file)) checkExistingFile(file, hadUncleanShutdown(file));
  const db = openConnection(file, readonly);
  try {
    configureConnection(db, readonly);
    if (!readonly) {
      assertNotNewer(db, migrations);
      backupBeforeMigrating(db, file, migrations);
      applyMigrations(db, migrations);
    }
    return db;
  } catch (err) {
    db.close();
    throw isCorruptionError(err) ? corrupt(file, String(err)) : err;
  }
}

/**
 * Checkpoint and truncate the WAL so a clean exit leaves a single file, then close (D-07). The connection
 * is closed even when the checkpoint fails (e.g. disk full): committed data is safe in the WAL either way,
 * and the error is still thrown for the caller to log.
 */
export function closeDatabase(db: Database.Database): void {
  if (!db.open) return;
  try {
    if (!db.readonly) {
      // Ref: https://www.sqlite.org/pragma.html#pragma_optimize (run before closing; keeps planner stats fresh).
      db.pragma('optimize');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  } finally {
    db.close();
  }
}
