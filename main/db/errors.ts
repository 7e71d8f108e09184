// Failures of the library database the user can hit: the app's one error class narrowed to the database's
// codes (preload/contract/vocabulary.ts), so the IPC layer maps them like every other AppError.
import { AppError } from '../common/app-error';
import type { DatabaseErrorCode } from '../../preload/contract/vocabulary';

export type { DatabaseErrorCode };

export class DatabaseError extends AppError<DatabaseErrorCode> {}

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
    return new AppError('disk-full', 'The disk holding the library is full: free some space and try again.', message);
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
