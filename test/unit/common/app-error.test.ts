// The one error class: each layer narrows the codes, the IPC layer sends any of them as { code, message },
// and what nobody foresaw becomes 'internal' (out-of-memory and full disks recognised on the way).
import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../../../main/common/app-error';
import { DatabaseError } from '../../../main/db/errors';
import { EngineError, toEngineError } from '../../../main/engine/errors';
import { ImageFileError } from '../../../main/images/image-file-error';
import { ServiceError } from '../../../main/services/service-error';
import { toApiError } from '../../../main/services/to-api-error';

describe('AppError', () => {
  it('every layer\'s error is an AppError that keeps its name, code, message and detail', () => {
    for (const err of [
      new EngineError('model-corrupt', 'bad file', 'offset 8'), new DatabaseError('database-io-error', 'drive', 'SQLITE_IOERR'),
      new ImageFileError('image-invalid', 'not a PNG'), new ServiceError('queue-full', 'full'),
    ]) {
      expect(err).toBeInstanceOf(AppError);
      expect(err.name).toBe(err.constructor.name);
      expect(toApiError(err)).toEqual({ code: err.code, message: err.message });
      expect(err.toJSON()).toEqual({ code: err.code, message: err.message, ...(err.detail ? { detail: err.detail } : {}) });
    }
    expect(new DatabaseError('database-busy', 'busy').retryable).toBe(true);
    expect(new EngineError('internal', 'x').retryable).toBe(false);
  });

  it('toAppError recognises out-of-memory and full disks, and wraps the rest as internal', () => {
    expect(toAppError(new Error('Failed to allocate memory for requested buffer'))).toMatchObject({ code: 'out-of-memory' });
    expect(toAppError(Object.assign(new Error('write'), { code: 'ENOSPC' }))).toMatchObject({ code: 'disk-full' });
    expect(toAppError(new TypeError('x is undefined'))).toMatchObject({ code: 'internal', message: 'Internal error: x is undefined' });
    const known = new ServiceError('not-found', 'gone');
    expect(toAppError(known)).toBe(known);
  });

  it('the engine keeps to its own codes: another layer\'s error reaching it is internal', () => {
    const converted = toEngineError(new DatabaseError('database-busy', 'busy'));
    expect(converted).toBeInstanceOf(EngineError);
    expect(converted.code).toBe('internal');
    expect(toEngineError(Object.assign(new Error('w'), { code: 'EDQUOT' })).code).toBe('disk-full');
  });
});
