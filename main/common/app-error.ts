// The one error class of the app: errors are values the user can act on, so every foreseen failure has a
// code (preload/contract/vocabulary.ts, which the UI maps to what to do) and a message written for the user;
// `detail` is for logs (file offsets, tensor names, the original error). Each layer narrows `Code` to the
// codes it may raise (EngineError, DatabaseError, ImageFileError, ServiceError); the IPC layer sends any
// AppError as the contract's { code, message }. Unforeseen failures become 'internal'.
import type { ApiErrorCode } from '../../preload/contract/vocabulary';

export class AppError<Code extends ApiErrorCode = ApiErrorCode> extends Error {
  /** Optional detail for logs; the message itself is for the user. */
  readonly detail?: string;

  constructor(readonly code: Code, message: string, detail?: string) {
    super(message);
    this.name = new.target.name;
    if (detail !== undefined) this.detail = detail;
  }

  /** True when the same operation may succeed if repeated later (lock contention). */
  get retryable(): boolean {
    return this.code === 'database-busy';
  }

  toJSON(): { code: Code; message: string; detail?: string } {
    return { code: this.code, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) };
  }
}

/** Anything thrown as an AppError: known ones unchanged; out-of-memory and full-disk errors recognised. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err as AppError;
  const message = err instanceof Error ? err.message : String(err);
  if (/Failed to allocate memory|bad_alloc|out of memory|OOM/i.test(message)) {
    return new AppError('out-of-memory',
      'The runtime ran out of memory. Try a smaller size or batch, or another execution provider.', message);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('disk-full', 'The disk is full: free some space and try again.', message);
  }
  return new AppError('internal', `Internal error: ${message}`, err instanceof Error ? err.stack : undefined);
}
