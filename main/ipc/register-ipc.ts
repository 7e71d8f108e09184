// One ipcMain.handle per contract method, all through the shared command layer: the sender is checked first
// (E-05), then dispatch validates the payload and runs the service. Results travel as Result envelopes:
// errors thrown from a handler lose their fields on the way through Electron, values do not.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, methodChannel, type Result } from '../../preload/contract';
import type { Dispatch } from '../services/dispatch';

const FORBIDDEN: Result<never> = { ok: false, error: { code: 'forbidden', message: 'This request did not come from the DaTo Studio window.' } };

/** Registers the handlers; returns a function that removes them. */
export function registerIpc(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: Dispatch, trusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const method of METHOD_NAMES) {
    ipc.handle(methodChannel(method), (event, args: unknown) => {
      if (!trusted(event)) return FORBIDDEN;
      return dispatch(method, args, { remote: false, sender: event.sender });
    });
  }
  return () => { for (const method of METHOD_NAMES) ipc.removeHandler(methodChannel(method)); };
}
