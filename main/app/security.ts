// App-wide web-contents rules (E-06, E-07): navigation only within the app scheme, no new windows (https
// links on an allowlist open in the user's browser), no <webview>, and every permission denied except
// writing to the clipboard ("copy prompt").
import type { App, Session, Shell } from 'electron';
import { isAppUrl } from '../ipc/sender-check';

const EXTERNAL_ALLOWLIST: readonly string[] = ['https://huggingface.co/', 'https://github.com/', 'https://civitai.com/'];
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOWLIST.some((prefix) => u.href.startsWith(prefix) && u.origin === new URL(prefix).origin);
  } catch {
    return false;
  }
}

export function lockDownWebContents(app: App, shell: Pick<Shell, 'openExternal'>): void {
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string): void => {
      if (!isAppUrl(url)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-frame-navigate', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternal(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.setDevicePermissionHandler(() => false);
}
