// Any error a service throws, as the contract's { code, message }: an AppError keeps its code and user-facing
// message; anything else is a bug, reported as 'internal' with its message (and logged).
import { friendlyValidation, ValidationError, type ApiErrorDto } from '../../preload/contract';
import { toAppError } from '../common/app-error';
import { mapSqliteError } from '../db/errors';

export function toApiError(err: unknown): ApiErrorDto {
  if (err instanceof ValidationError) {
    const { field, message } = friendlyValidation(err);
    return { code: 'invalid-request', message, ...(field ? { field } : {}) };
  }
  const appError = toAppError(mapSqliteError(err));
  if (appError.code === 'internal') console.error('[studio] internal error:', appError.detail ?? appError.message);
  return { code: appError.code, message: appError.message };
}
