// The error every StudioApi call rejects with: the contract's { code, message } as a real Error, so UI code can
// `catch (e) { if (e instanceof ApiError && e.code === 'queue-full') … }` and show e.message to the user.
import type { ApiErrorCode, ApiErrorDto, Result } from '../../../../preload/contract';

export class ApiError extends Error {
  constructor(readonly code: ApiErrorCode, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }

  static from(dto: ApiErrorDto): ApiError {
    return new ApiError(dto.code, dto.message, dto.field);
  }
}

/** Resolve a Result envelope: its value, or throw its error as an ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw ApiError.from(result.error);
}
