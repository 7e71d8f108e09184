// The renderer's entry to the app: `const api = connectStudio();` then `await api.models.list()`.
// In the Electron window the preload has exposed `window.studio`; in a browser (web mode) the session token
// arrives in the URL fragment (`#token=…`, never sent to the server in requests), is kept in sessionStorage
// so a reload still works, and is removed from the address bar.
import type { StudioApi, StudioBridge } from '../../../../preload/contract';
import { ApiError } from './api-error';
import { createElectronClient } from './electron-client';
import { createWebSocketClient } from './websocket-client';

export { ApiError, unwrap } from './api-error';
export { createElectronClient } from './electron-client';
export { createWebSocketClient, type WebClientOptions, type SocketFactory, type SocketLike } from './websocket-client';

const TOKEN_KEY = 'dato-studio-token';

/** The web-mode token from `#token=…` (then stripped from the URL) or from this tab's sessionStorage. */
export function takeWebToken(): string | null {
  const match = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1]!;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function connectStudio(): StudioApi {
  const bridge = (globalThis as { studio?: StudioBridge }).studio;
  if (bridge) return createElectronClient(bridge);
  const token = takeWebToken();
  if (!token) {
    throw new ApiError('forbidden', 'Open DaTo Studio with the full link that `npm run web` printed (it ends with #token=…).');
  }
  return createWebSocketClient({ baseUrl: location.origin, token });
}
