// The sandboxed preload: exposes `window.studio`, one function per contract method and one subscriber per
// event (E-04). No raw ipcRenderer, no generic send/on: the channel list comes from the contract, and event
// listeners receive only the payload, never the IpcRendererEvent.
// DO NOT add getters or setters to the exposed object: contextBridge copies values, and a property access
// with side effects would run in this privileged context. Bundled by esbuild (a sandboxed preload can only
// require 'electron').
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, methodChannel, type Unsubscribe } from './contract';

function buildBridge(): Record<string, unknown> {
  const bridge: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    const [ns, fn] = method.split('.') as [string, string];
    const group = (bridge[ns] ??= {}) as Record<string, unknown>;
    const channel = methodChannel(method);
    group[fn] = (args?: unknown) => ipcRenderer.invoke(channel, args ?? {});
  }
  for (const event of EVENT_NAMES) {
    const channel = eventChannel(event);
    bridge[event] = (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') throw new TypeError(`${event} needs a function`);
      const handler = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => { ipcRenderer.removeListener(channel, handler); };
    };
  }
  bridge.pathForFile = (file: File): string => webUtils.getPathForFile(file);
  return bridge;
}

contextBridge.exposeInMainWorld('studio', buildBridge());
