// The one command layer behind both transports (Electron IPC and the web-mode WebSocket, W-07): look the
// method up in the contract, refuse it when the caller is remote and the method is local-only, parse the
// arguments with the contract's schema, run the handler, and turn every outcome into a Result envelope.
// Nothing reaches a handler unvalidated, and a rejected call has no side effects.
import { METHODS, isMethodName, type ArgsOf, type MethodName, type Result, type ResultOf } from '../../preload/contract';
import { ServiceError } from './service-error';
import { toApiError } from './to-api-error';

export interface CallContext {
  /** True for web-mode clients: only methods with remoteAllowed are served. */
  readonly remote: boolean;
  /** The Electron WebContents that sent the call (for drag-out); absent in web mode. */
  readonly sender?: unknown;
}

export type Handlers = { [M in MethodName]: (args: ArgsOf<M>, ctx: CallContext) => Promise<ResultOf<M>> | ResultOf<M> };

export type Dispatch = (method: unknown, args: unknown, ctx: CallContext) => Promise<Result<unknown>>;

export function createDispatch(handlers: Handlers): Dispatch {
  return async (method, rawArgs, ctx) => {
    try {
      if (!isMethodName(method)) throw new ServiceError('invalid-request', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`);
      const spec = METHODS[method];
      if (ctx.remote && !spec.remoteAllowed) {
        throw new ServiceError('forbidden', 'This action is only available in the desktop app, not over the web connection.');
      }
      const args = spec.args(rawArgs, method);
      const handler = handlers[method] as (a: unknown, c: CallContext) => unknown;
      return { ok: true, value: await handler(args, ctx) };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  };
}
