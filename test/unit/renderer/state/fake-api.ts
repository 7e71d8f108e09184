// A StudioApi for the renderer's state classes: the methods a test names answer as told, every event
// subscription is recorded so the test can push events, and anything else fails loudly.
import type { StudioApi } from '../../../../preload/contract';

export interface FakeApi {
  readonly api: StudioApi;
  /** Push an event to the handlers subscribed under `name` (e.g. 'onJobEvent'). */
  emit(name: string, payload: unknown): void;
  /** Arguments of every call, by `namespace.method`. */
  readonly calls: Map<string, unknown[]>;
}

type Methods = Record<string, (args: never) => Promise<unknown>>;

export function fakeApi(methods: Record<string, Methods>): FakeApi {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  const calls = new Map<string, unknown[]>();
  const api = new Proxy({}, {
    get: (_target, key: string) => {
      if (/^on[A-Z]/.test(key)) {
        return (handler: (payload: unknown) => void) => {
          handlers.set(key, [...(handlers.get(key) ?? []), handler]);
          return () => handlers.set(key, (handlers.get(key) ?? []).filter((h) => h !== handler));
        };
      }
      return new Proxy({}, {
        get: (_ns, method: string) => (args: never) => {
          const name = `${key}.${method}`;
          calls.set(name, [...(calls.get(name) ?? []), args]);
          const fn = methods[key]?.[method];
          if (!fn) throw new Error(`the test did not expect ${name}`);
          return fn(args);
        },
      });
    },
  }) as StudioApi;
  return { api, calls, emit: (name, payload) => { for (const h of handlers.get(name) ?? []) h(payload); } };
}
