import { describe, expect, it } from 'vitest';
import { DatabaseError, mapSqliteError } from '../../../main/db/errors';
import { AppError } from '../../../main/common/app-error';

const sqliteError = (code: string): Error => Object.assign(new Error(code.toLowerCase()), { code });

describe('mapSqliteError', () => {
  it('maps SQLITE_FULL and ENOSPC to disk-full', () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC', 'EDQUOT']) {
      const mapped = mapSqliteError(sqliteError(code));
      expect(mapped).toBeInstanceOf(AppError);
      expect((mapped as AppError).code).toBe('disk-full');
    }
  });

  it('maps SQLITE_BUSY / SQLITE_LOCKED (and extended codes) to a retryable busy error', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']) {
      const mapped = mapSqliteError(sqliteError(code)) as DatabaseError;
      expect(mapped).toBeInstanceOf(DatabaseError);
      expect(mapped.code).toBe('database-busy');
      expect(mapped.retryable).toBe(true);
      expect(mapped.toJSON()).toMatchObject({ code: 'database-busy', detail: code.toLowerCase() });
    }
  });

  it('returns anything else unchanged', () => {
    const constraint = sqliteError('SQLITE_CONSTRAINT_UNIQUE');
    expect(mapSqliteError(constraint)).toBe(constraint);
    expect(mapSqliteError('text')).toBe('text');
  });
});

describe('mapSqliteError (I/O)', () => {
  it('maps SQLITE_IOERR and its extended codes to database-io-error', () => {
    for (const code of ['SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC']) {
      const mapped = mapSqliteError(sqliteError(code)) as DatabaseError;
      expect(mapped.code).toBe('database-io-error');
      expect(mapped.retryable).toBe(false);
    }
  });
});
