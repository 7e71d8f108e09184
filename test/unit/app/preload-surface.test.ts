// The preload's bridge (E-04) against a recording stand-in for the three Electron modules it may use in a
// sandboxed preload: exactly one function per contract method and one subscriber per event, invoke on the
// method's own channel, listeners that get the payload but never the IpcRendererEvent, and no raw ipcRenderer.
import { describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, methodChannel } from '../../../preload/contract';

const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
const listeners = new Map<string, Set<(...a: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { exposed.set(key, api); } },
  ipcRenderer: {
    invoke: async (channel: string, args: unknown) => { invoked.push([channel, args]); return { ok: true, value: channel }; },
    on: (channel: string, h: (...a: unknown[]) => void) => { (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(h); },
    removeListener: (channel: string, h: (...a: unknown[]) => void) => { listeners.get(channel)?.delete(h); },
  },
  webUtils: { getPathForFile: () => '/picked/model.safetensors' },
}));

describe('preload surface', () => {
  it('exposes only window.studio: contract methods, event subscribers and pathForFile', async () => {
    await import('../../../preload/index');
    expect([...exposed.keys()]).toEqual(['studio']);
    const studio = exposed.get('studio') as Record<string, unknown>;
    const namespaces = [...new Set(METHOD_NAMES.map((m) => m.split('.')[0]!))];
    expect(Object.keys(studio).sort()).toEqual([...namespaces, ...EVENT_NAMES, 'pathForFile'].sort());
    for (const ns of namespaces) {
      const group = studio[ns] as Record<string, unknown>;
      expect(Object.keys(group).sort()).toEqual(METHOD_NAMES.filter((m) => m.startsWith(`${ns}.`)).map((m) => m.split('.')[1]).sort());
      for (const fn of Object.values(group)) expect(typeof fn).toBe('function');
    }
    for (const key of ['invoke', 'send', 'on', 'ipcRenderer', 'require', 'process']) expect(studio).not.toHaveProperty(key);
    for (const [key, value] of Object.entries(studio)) {
      expect(Object.getOwnPropertyDescriptor(studio, key)!.get, `${key} is a getter`).toBeUndefined();
      expect(['function', 'object']).toContain(typeof value);
    }
  });

  it('each method invokes its own channel with its arguments ({} when none)', async () => {
    await import('../../../preload/index');
    const studio = exposed.get('studio') as Record<string, Record<string, (a?: unknown) => Promise<unknown>>>;
    for (const method of METHOD_NAMES) {
      const [ns, fn] = method.split('.') as [string, string];
      invoked.length = 0;
      await studio[ns]![fn]!(method === METHOD_NAMES[0] ? undefined : { probe: method });
      expect(invoked).toEqual([[methodChannel(method), method === METHOD_NAMES[0] ? {} : { probe: method }]]);
    }
  });

  it('event listeners receive the payload only, and unsubscribe', async () => {
    await import('../../../preload/index');
    const studio = exposed.get('studio') as Record<string, (l: unknown) => () => void>;
    for (const event of EVENT_NAMES) {
      const seen: unknown[][] = [];
      const off = studio[event]!((...args: unknown[]) => seen.push(args));
      const channel = eventChannel(event);
      for (const h of listeners.get(channel)!) h({ sender: 'IpcRendererEvent', ports: [] }, { type: 'x' });
      expect(seen).toEqual([[{ type: 'x' }]]);
      off();
      expect(listeners.get(channel)!.size).toBe(0);
      expect(() => studio[event]!('not a function')).toThrow(TypeError);
    }
    expect((exposed.get('studio') as { pathForFile(f: unknown): string }).pathForFile({})).toBe('/picked/model.safetensors');
  });
});
