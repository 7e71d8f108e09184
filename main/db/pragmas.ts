// Connection settings, each set and then read back: a pragma SQLite cannot honour (WAL on a filesystem
// without shared memory, a read-only file) fails silently unless we ask again.
// Ref: notes/reliability-and-security.md D-01, D-02, D-07; https://www.sqlite.org/pragma.html
import type Database from 'better-sqlite3';
import { DatabaseError } from './errors';

/** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY (D-02). */
export const BUSY_TIMEOUT_MS = 5000;
/** The WAL file is truncated back to this size after checkpoints (D-07). */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** What the connection reports after configuration; tests and diagnostics read it. */
export interface PragmaState {
  journalMode: string;
  synchronous: number;
  foreignKeys: number;
  busyTimeout: number;
  journalSizeLimit: number;
  walAutocheckpoint: number;
}

export function readPragmas(db: Database.Database): PragmaState {
  const read = (name: string): unknown => db.pragma(name, { simple: true });
  return {
    journalMode: String(read('journal_mode')),
    synchronous: Number(read('synchronous')),
    foreignKeys: Number(read('foreign_keys')),
    busyTimeout: Number(read('busy_timeout')),
    journalSizeLimit: Number(read('journal_size_limit')),
    walAutocheckpoint: Number(read('wal_autocheckpoint')),
  };
}

/**
 * WAL + synchronous=FULL: better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL), which
 * may lose the last commits on power loss; we write about one row per image, so an fsync per commit is free.
 * A read-only connection cannot change the journal mode, so it only checks the file is already in WAL.
 */
export function configureConnection(db: Database.Database, readonly: boolean): PragmaState {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');

  const state = readPragmas(db);
  const expect = (ok: boolean, what: string): void => {
    if (!ok) {
      throw new DatabaseError('database-misconfigured',
        'The library database cannot be opened safely on this drive. Move the app data folder to a local disk.',
        `${what} (read back ${JSON.stringify(state)})`);
    }
  };
  // A fresh database opened read-only was never switched to WAL; there is nothing to protect yet.
  expect(state.journalMode === 'wal' || (readonly && state.journalMode === 'delete'), 'journal_mode is not WAL');
  expect(state.synchronous === 2, 'synchronous is not FULL');
  expect(state.foreignKeys === 1, 'foreign_keys is not ON');
  expect(state.busyTimeout === BUSY_TIMEOUT_MS, 'busy_timeout was not applied');
  if (!readonly) expect(state.journalSizeLimit === JOURNAL_SIZE_LIMIT_BYTES, 'journal_size_limit was not applied');
  expect(state.walAutocheckpoint > 0, 'WAL auto-checkpoint is disabled');
  return state;
}
