// Errors are values the user can act on: every failure the engine can foresee has a code and a message
// that says what happened and what to do about it. Unforeseen failures are wrapped as 'internal'.

export type EngineErrorCode =
  | 'model-not-found'        // the path does not exist or is not readable
  | 'model-pickle'           // .ckpt/.pt/.bin pickle checkpoints: refused, they can run arbitrary code
  | 'model-corrupt'          // not a valid safetensors file / diffusers folder (bad header, offsets, sizes)
  | 'model-unsupported'      // a valid file, but an architecture we do not run (SD2.x, SDXL, inpaint, ...)
  | 'model-incomplete'       // an SD1 file with missing or wrongly shaped tensors
  | 'model-refused'          // checking the file went past the checker's time or memory bound: not opened
  | 'invalid-parameters'     // generation parameters out of range
  | 'provider-unavailable'   // a forced execution provider cannot be created on this machine
  | 'out-of-memory'          // the runtime could not allocate memory
  | 'numerical-error'        // NaN/Inf in the output (the image would be black)
  | 'disk-full'              // no space left while writing an image or the database
  | 'cancelled'              // the user cancelled the job
  | 'engine-crashed'         // the engine process/thread died; it is restarted for the next job
  | 'internal';              // a bug: the message carries the original error

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** Optional detail for logs (file offsets, tensor names); the message itself is for the user. */
  readonly detail?: string;

  constructor(code: EngineErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toJSON(): { code: EngineErrorCode; message: string; detail?: string } {
    return { code: this.code, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) };
  }
}

/** Wrap anything thrown into an EngineError, mapping the runtime's messages we recognise. */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Failed to allocate memory|bad_alloc|out of memory|OOM/i.test(message)) {
    return new EngineError('out-of-memory',
      'The runtime ran out of memory. Try a smaller size or batch, or another execution provider.', message);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new EngineError('disk-full', 'The disk is full: free some space and try again.', message);
  }
  return new EngineError('internal', `Internal error: ${message}`, err instanceof Error ? err.stack : undefined);
}
