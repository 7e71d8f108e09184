// Any error a service throws, as the contract's { code, message }: known error classes keep their code and
// user-facing message; anything else is a bug, reported as 'internal' with its message (and logged).
import { friendlyValidation, ValidationError, type ApiErrorCode, type ApiErrorDto } from '../../preload/contract';
import { DatabaseError, mapSqliteError } from '../db/errors';
import { EngineError, toEngineError } from '../engine/errors';
import { ImageFileError } from '../images/image-file-error';
import { ServiceError } from './service-error';

export function toApiError(err: unknown): ApiErrorDto {
  if (err instanceof ValidationError) {
    const { field, message } = friendlyValidation(err);
    return { code: 'invalid-request', message, ...(field ? { field } : {}) };
  }
  const mapped = mapSqliteError(err);
  if (mapped instanceof ServiceError || mapped instanceof DatabaseError || mapped instanceof ImageFileError) {
    return { code: mapped.code as ApiErrorCode, message: mapped.message };
  }
  const engineError = mapped instanceof EngineError ? mapped : toEngineError(mapped);
  if (engineError.code === 'internal') console.error('[studio] internal error:', engineError.detail ?? engineError.message);
  return { code: engineError.code, message: engineError.message };
}
