// Web mode: the UI and the same contract over loopback HTTP + WebSocket, for headless UI tests and for
// driving a GPU box from a browser (through an SSH tunnel). Every request passes, in order: Host allowlist
// (403) → route → Origin check on anything state-changing or upgrading (403) → session token (401).
//   GET  /, /assets/…                     the built UI (dist/renderer), public, with CSP
//   POST /session                          token (Authorization: Bearer) → the image cookie (session-cookie.ts)
//   GET  /images/<id>/<full|thumb|heatmap> that cookie (or Bearer), same-origin only — by generation id only
//   POST /upload?name=<file>[&library=addons] token (Authorization: Bearer) — a model (or LoRA/embedding/VAE) file's bytes
//   POST /image-parameters                 token (Authorization: Bearer) — an image's bytes → its parameters
//   POST /source-images?kind=image|mask    token (Authorization: Bearer) — an image-to-image picture or mask (issue 9)
//   GET  /images/sources/<id>              like /images: a stored source picture or mask
//   WS   /ws                               token (subprotocol studio-token.<hex>) — the contract
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { WEB_MAX_MESSAGE_BYTES, WEB_PROTOCOL, type Result } from '../../preload/contract';
import type { Studio } from '../services/studio';
import { toApiError } from '../services/to-api-error';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp';
import { readImageParametersUpload, readUploadBytes } from './image-parameters-route';
import { parseImagePath, parseSourcePath, sendImage, sendSource } from './image-route';
import { SOURCE_IMAGE_KINDS, type SourceImageKind } from '../../preload/contract';
import { RequestGuard } from './request-guard';
import { SessionCookies } from './session-cookie';
import { resolveStaticFile, sendFile } from './static-files';
import { serveSocket } from './ws-session';

export interface WebServerOptions {
  studio: Studio;
  /** The built UI; a placeholder page is served when it is missing. */
  rendererDir: string;
  /** 0 = a free port. */
  port?: number;
  /** Defaults to a fresh 256-bit token. */
  token?: string;
  /** Extra Host names to accept (for a reverse proxy / SSH tunnel alias). */
  allowedHostNames?: readonly string[];
  /** Extra browser origins to accept (a loopback UI dev server). */
  allowedOrigins?: readonly string[];
}

export interface WebServer {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const PLACEHOLDER = '<!doctype html><meta charset="utf-8"><title>DaTo Studio</title><p>The UI is not built. Run <code>npm run build</code>, then reload.</p>';

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const server: Server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new RequestGuard(token, port, opts.allowedHostNames, opts.allowedOrigins);
  const cookies = new SessionCookies(port);
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy({ connectSources: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }),
  };
  const wss = new WebSocketServer({
    noServer: true, maxPayload: WEB_MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(WEB_PROTOCOL) ? WEB_PROTOCOL : false),
  });

  const fail = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(message);
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard.hostAllowed(req)) return fail(res, 403, 'Forbidden host');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/upload') {
      if (!guard.originAllowed(req)) return fail(res, 403, 'Forbidden origin');
      const auth = guard.check(req);
      if (auth !== 'ok') return fail(res, auth === 'throttled' ? 429 : 401, 'Missing or wrong token');
      const name = (url.searchParams.get('name') ?? '').slice(0, 512);
      let result: Result<unknown>;
      try {
        const library = opts.studio[url.searchParams.get('library') === 'addons' ? 'addons' : 'models'];
        result = { ok: true, value: await library.importUpload(name, req) };
      } catch (err) {
        result = { ok: false, error: toApiError(err) };
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify(result));
    }
    if (req.method === 'POST' && url.pathname === '/session') {
      if (!guard.originAllowed(req)) return fail(res, 403, 'Forbidden origin');
      const auth = guard.check(req);
      if (auth !== 'ok') return fail(res, auth === 'throttled' ? 429 : 401, 'Missing or wrong token');
      res.writeHead(204, { ...headers, 'Set-Cookie': cookies.issue(), 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (req.method === 'POST' && url.pathname === '/image-parameters') {
      if (!guard.originAllowed(req)) return fail(res, 403, 'Forbidden origin');
      const auth = guard.check(req);
      if (auth !== 'ok') return fail(res, auth === 'throttled' ? 429 : 401, 'Missing or wrong token');
      let result: Result<unknown>;
      try {
        result = { ok: true, value: await readImageParametersUpload(req, opts.studio.sources) };
      } catch (err) {
        result = { ok: false, error: toApiError(err) };
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify(result));
    }
    if (req.method === 'POST' && url.pathname === '/source-images') {
      if (!guard.originAllowed(req)) return fail(res, 403, 'Forbidden origin');
      const auth = guard.check(req);
      if (auth !== 'ok') return fail(res, auth === 'throttled' ? 429 : 401, 'Missing or wrong token');
      const kind = url.searchParams.get('kind') ?? '';
      if (!(SOURCE_IMAGE_KINDS as readonly string[]).includes(kind)) return fail(res, 400, 'kind must be image or mask');
      let result: Result<unknown>;
      try {
        result = { ok: true, value: await opts.studio.sources.store(await readUploadBytes(req), kind as SourceImageKind) };
      } catch (err) {
        result = { ok: false, error: toApiError(err) };
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify(result));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'Method not allowed');
    if (url.pathname.startsWith('/images/')) {
      // another local page (any port of 127.0.0.1 is the same site) may not embed our images
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return fail(res, 403, 'Forbidden site');
      if (!cookies.matches(req)) {
        const auth = guard.check(req);
        if (auth !== 'ok') return fail(res, auth === 'throttled' ? 429 : 401, 'Missing or wrong session');
      }
      const image = parseImagePath(url.pathname);
      const source = parseSourcePath(url.pathname);
      const sent = image ? await sendImage(res, opts.studio.gallery, image.id, image.variant, SECURITY_HEADERS)
        : source !== null && await sendSource(res, opts.studio.sources, source, SECURITY_HEADERS);
      if (!sent) return fail(res, 404, 'Not found');
      return;
    }
    const file = await resolveStaticFile(opts.rendererDir, url.pathname);
    if (file) return sendFile(res, file, headers);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end(PLACEHOLDER);
    }
    fail(res, 404, 'Not found');
  }

  server.on('request', (req, res) => {
    route(req, res).catch((err: unknown) => {
      console.error('[web] request failed:', err);
      if (!res.headersSent) fail(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!guard.hostAllowed(req) || !guard.originAllowed(req)) return refuse('403 Forbidden');
    if (url.pathname !== '/ws') return refuse('404 Not Found');
    const auth = guard.check(req);
    if (auth !== 'ok') return refuse(auth === 'throttled' ? '429 Too Many Requests' : '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts.studio));
  });

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    origin: `http://127.0.0.1:${port}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
