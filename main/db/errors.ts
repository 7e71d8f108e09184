// Failures of the library database the user can hit. Same shape as EngineError (code, user message,
// optional detail) so the IPC layer maps both the same way; the engine's code list has no database codes.
import { EngineError } from '../engine/errors';

export type DatabaseErrorCode =
  | 'database-corrupt'          // quick_check/integrity_check failed: offer restore from backup, never delete
  | 'database-too-new'          // written by a newer app version: refused for writing, never migrated down
  | 'database-migration-failed' // a migration threw: data and user_version are unchanged
  | 'database-busy'             // another connection held the write lock past busy_timeout: retry later
  | 'database-io-error'         // the drive failed a read or write (SQLITE_IOERR): check the drive
  | 'database-misconfigured';   // a pragma did not read back as set (e.g. WAL impossible on this filesystem)

export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;
  readonly detail?: string;
  /** True when the same operation may succeed if repeated later (lock contention). */
  readonly retryable: boolean;

  constructor(code: DatabaseErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'DatabaseError';
    this.code = code;
    this.retryable = code === 'database-busy';
    if (detail !== undefined) this.detail = detail;
  }

  toJSON(): { code: DatabaseErrorCode; message: string; detail?: string } {
    return { code: this.code, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) };
  }
}

/**
 * Map an error thrown by better-sqlite3 to what the user can act on (D-08): SQLITE_FULL → disk-full,
 * SQLITE_BUSY → retryable busy error, SQLITE_IOERR → drive error. Anything else is returned unchanged
 * (a bug, not a condition).
 */
export function mapSqliteError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') {
    return new EngineError('disk-full', 'The disk holding the library is full: free some space and try again.', message);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseError('database-busy',
      'The library is busy (another DaTo Studio window or process is writing to it). Try again in a moment.', message);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new DatabaseError('database-io-error',
      'The drive holding the library reported a read/write error. Check the drive (or move the app data folder) and try again.', message);
  }
  return err;
}
