// StudioApi in a browser (web mode): JSON request/response over one WebSocket, events pushed on the same
// socket, model uploads over HTTP with the session token. Before the first connection the token is exchanged
// for the server's image cookie (POST /session), so image URLs carry no secret. Reconnects after a drop;
// calls in flight when the socket closes reject with 'unavailable' (the server may still finish them).
import {
  WEB_PROTOCOL, WEB_TOKEN_PROTOCOL_PREFIX,
  type EventMap, type EventName, type ImageParametersDto, type MethodName, type AddonDto, type ModelDto, type Result, type StudioApi,
  type SourceImageDto, type SourceImageKind, type UploadOptions, type WireEvent, type WireResponse,
} from '../../../../preload/contract';
import { ApiError, unwrap } from './api-error';
import { buildApi } from './build-api';

/** The subset of the DOM WebSocket this client uses (so Node tests can pass the `ws` package's class). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: { data?: unknown }) => void): void;
}
export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export interface WebClientOptions {
  /** `http://127.0.0.1:PORT` (the page's own origin in the browser). */
  baseUrl: string;
  token: string;
  /** Defaults to the browser's WebSocket. */
  socket?: SocketFactory;
  /** Defaults to globalThis.fetch. */
  fetch?: typeof fetch;
}

const OPEN = 1;

export function createWebSocketClient(opts: WebClientOptions): StudioApi {
  const base = opts.baseUrl.replace(/\/$/, '');
  const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
  const makeSocket: SocketFactory = opts.socket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike);
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let nextId = 1;
  let socket: SocketLike | undefined;
  let opened: Promise<SocketLike> | undefined;
  let retryMs = 250;

  let session: Promise<void> | undefined;
  const establishSession = (): Promise<void> => {
    session ??= doFetch(`${base}/session`, { method: 'POST', headers: { Authorization: `Bearer ${opts.token}` }, credentials: 'same-origin' })
      .then((res) => {
        if (!res.ok) throw new ApiError('forbidden', 'DaTo Studio refused this link: open the full link that `npm run web` printed.');
      })
      .catch((err: unknown) => {
        session = undefined;
        throw err instanceof ApiError ? err : new ApiError('unavailable', 'Could not connect to DaTo Studio (is `npm run web` still running?).');
      });
    return session;
  };

  const connect = (): Promise<SocketLike> => {
    if (opened) return opened;
    const attempt = establishSession().then(() => new Promise<SocketLike>((resolve, reject) => {
      const ws = makeSocket(wsUrl, [WEB_PROTOCOL, `${WEB_TOKEN_PROTOCOL_PREFIX}${opts.token}`]);
      socket = ws;
      ws.addEventListener('open', () => { retryMs = 250; resolve(ws); });
      ws.addEventListener('message', (ev) => onMessage(String(ev.data)));
      // A failed (re)connection is reported again as 'close', handled below; Node's `ws` (tests, tools) would
      // throw an 'error' nobody listens to.
      ws.addEventListener('error', () => undefined);
      ws.addEventListener('close', () => {
        opened = undefined;
        socket = undefined;
        session = undefined; // a restarted server knows no cookie: exchange again on reconnect
        reject(new ApiError('unavailable', 'Could not connect to DaTo Studio (is `npm run web` still running, and is the link complete?).'));
        for (const p of pending.values()) p.reject(new ApiError('unavailable', 'The connection to DaTo Studio was lost.'));
        pending.clear();
        if (listeners.size > 0) setTimeout(() => void connect().catch(() => undefined), (retryMs = Math.min(retryMs * 2, 10_000)));
      });
    }));
    opened = attempt;
    attempt.catch(() => { if (opened === attempt) opened = undefined; });
    return attempt;
  };

  function onMessage(text: string): void {
    let msg: WireResponse | WireEvent;
    try { msg = JSON.parse(text) as WireResponse | WireEvent; } catch { return; }
    if ('event' in msg) {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload as never);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(ApiError.from(msg.error));
  }

  const call = async (method: MethodName, args: unknown): Promise<unknown> => {
    const ws = socket && socket.readyState === OPEN ? socket : await connect();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, args }));
    });
  };

  /** A file's bytes to an upload route: with progress and cancel over XHR when asked, else fetch(). */
  const upload = async <T>(url: string, file: File, options: UploadOptions): Promise<T> => {
    if ((options.onProgress || options.signal) && typeof XMLHttpRequest !== 'undefined') {
      return unwrap(await postWithProgress<T>(url, opts.token, file, options));
    }
    return unwrap(await postBytes<T>(doFetch, url, opts.token, file));
  };

  return buildApi({
    shell: 'web',
    call,
    subscribe: <E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      void connect().catch(() => undefined);
      return () => { set.delete(listener as (payload: never) => void); };
    },
    imageUrl: (id, variant) => `${base}/images/${id}/${variant}`,
    importDroppedModel: (file: File, options: UploadOptions = {}): Promise<ModelDto> =>
      upload<ModelDto>(`${base}/upload?name=${encodeURIComponent(file.name)}`, file, options),
    importDroppedAddon: (file: File, options: UploadOptions = {}): Promise<AddonDto> =>
      upload<AddonDto>(`${base}/upload?library=addons&name=${encodeURIComponent(file.name)}`, file, options),
    readImageParameters: async (file: File): Promise<ImageParametersDto> =>
      unwrap(await postBytes<ImageParametersDto>(doFetch, `${base}/image-parameters`, opts.token, file)),
    storeSourceImage: async (image: Blob, kind: SourceImageKind): Promise<SourceImageDto> =>
      unwrap(await postBytes<SourceImageDto>(doFetch, `${base}/source-images?kind=${kind}`, opts.token, image)),
    sourceImageUrl: (id) => `${base}/images/sources/${id}`,
  });
}

async function postBytes<T>(doFetch: typeof fetch, url: string, token: string, body: Blob): Promise<Result<T>> {
  const res = await doFetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body,
  });
  return (await res.json()) as Result<T>;
}

/** fetch() cannot report upload progress (streaming request bodies need HTTP/2 in Chromium): XHR can. */
function postWithProgress<T>(url: string, token: string, body: Blob, options: UploadOptions): Promise<Result<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const cancelled = (): void => reject(new ApiError('cancelled', 'The upload was cancelled.'));
    if (options.signal?.aborted) return cancelled();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      const result = xhr.response as Result<T> | null;
      if (result && typeof result === 'object' && 'ok' in result) resolve(result);
      else reject(new ApiError('internal', `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new ApiError('unavailable', 'The upload failed: the connection to the app was lost.'));
    xhr.onabort = cancelled;
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
