// The engine's errors: the app's one error class (main/common/app-error.ts) narrowed to the codes the engine
// can raise (preload/contract/vocabulary.ts). Unforeseen failures are wrapped as 'internal'.
import { AppError, toAppError } from '../common/app-error';
import type { EngineErrorCode } from '../../preload/contract/vocabulary';

export type { EngineErrorCode };

export class EngineError extends AppError<EngineErrorCode> {}

/** Wrap anything thrown into an EngineError, mapping the runtime's messages we recognise. */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const app = toAppError(err); // 'out-of-memory', 'disk-full', or anything else as 'internal'
  const code = app.code === 'out-of-memory' || app.code === 'disk-full' ? app.code : 'internal';
  return new EngineError(code, app.message, app.detail);
}
