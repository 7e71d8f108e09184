// registerIpc wires every contract channel to the shared dispatch, refusing untrusted senders before the
// payload is even looked at. ipcMain is replaced by a map of handlers (Electron cannot run in Node tests).
import { describe, expect, it } from 'vitest';
import { registerIpc } from '../../../main/ipc/register-ipc';
import { METHOD_NAMES, methodChannel } from '../../../preload/contract';
import type { Dispatch } from '../../../main/services/dispatch';

type Handler = (event: unknown, args: unknown) => unknown;

function fakeIpc() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, h: Handler) => { if (handlers.has(channel)) throw new Error(`twice: ${channel}`); handlers.set(channel, h); },
    removeHandler: (channel: string) => { handlers.delete(channel); },
  };
}

describe('registerIpc', () => {
  it('registers one channel per method and removes them again', () => {
    const ipc = fakeIpc();
    const off = registerIpc(ipc as never, async () => ({ ok: true, value: null }), () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(methodChannel).sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers forbidden to untrusted senders without dispatching; passes trusted calls on as local', async () => {
    const ipc = fakeIpc();
    const seen: unknown[] = [];
    const dispatch: Dispatch = async (method, args, ctx) => { seen.push([method, args, ctx.remote, ctx.sender]); return { ok: true, value: 1 }; };
    registerIpc(ipc as never, dispatch, (event) => (event as unknown as { trusted: boolean }).trusted);
    const handler = ipc.handlers.get(methodChannel('models.list'))!;
    expect(await handler({ trusted: false, sender: 'evil' }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(seen).toEqual([]);
    expect(await handler({ trusted: true, sender: 'win' }, { a: 1 })).toEqual({ ok: true, value: 1 });
    expect(seen).toEqual([['models.list', { a: 1 }, false, 'win']]);
  });
});
