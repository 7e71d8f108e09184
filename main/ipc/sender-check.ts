// Which IPC senders are ours (E-05): the top-level frame (not an iframe) of our main window, showing a page
// of our app scheme. The URL is parsed, never prefix-matched ("studio://app.evil" must fail). Custom schemes
// have an opaque origin in the URL parser, so protocol and host are compared instead.
import { APP_SCHEME } from '../../preload/contract';

export const APP_HOST = 'app';

/** The parts of Electron's IpcMainInvokeEvent this check reads (a structural type: testable without Electron). */
export interface SenderInfo {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
  readonly sender: { readonly id: number };
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

export function isTrustedSender(event: SenderInfo, mainWebContentsId: number | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (mainWebContentsId === undefined || event.sender.id !== mainWebContentsId) return false;
  return isAppUrl(frame.url);
}
