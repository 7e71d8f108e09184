// Web mode when the library database is damaged: instead of exiting, serve one page on the usual port and
// link (same Host/Origin/token rules as the app) that says so and offers "Restore the last good backup".
// The restore (library-backups.ts) keeps the damaged file; once it is done the caller closes this server and
// starts the app on the same port with the same token, and the page reloads into it.
//   GET  /                     the page (no token: it shows only the date of the newest backup)
//   GET  /recovery.js, .css    its script and style (the CSP allows nothing inline)
//   POST /recovery/restore     token (Authorization: Bearer) — restore, answer { ok, message }
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../db/index';
import { listBackups, restoreLastGoodBackup } from '../db/library-backups';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp';
import { RequestGuard } from './request-guard';

export interface RecoveryServerOptions {
  dataDir: string;
  /** Why the library could not be opened (shown on the page). */
  problem: string;
  port?: number;
  token?: string;
  allowedHostNames?: readonly string[];
  allowedOrigins?: readonly string[];
}

export interface RecoveryServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Resolves once a restore has succeeded (its answer sent). */
  readonly restored: Promise<void>;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(dataDir: string, problem: string): string {
  const newest = listBackups(dataDir)[0];
  const offer = newest
    ? `<p>The newest backup was taken on <time datetime="${new Date(newest.takenAt).toISOString()}">${escapeHtml(new Date(newest.takenAt).toUTCString())}</time>.
       Restoring puts the newest backup that passes its integrity check in place of the damaged library; the damaged
       file is kept beside it, and image files on disk are not touched.</p>
       <p><button id="restore" type="button">Restore the last good backup</button></p>`
    : `<p>There is no backup of the library to restore (backups are made once a day when the app starts).</p>`;
  return `<!doctype html>
<html lang="en" data-recovery><head><meta charset="utf-8"><title>DaTo Studio: the library is damaged</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/recovery.css"></head>
<body><main>
<h1>The library is damaged</h1>
<p>DaTo Studio could not open its library database: ${escapeHtml(problem)}</p>
${offer}
<p id="status" role="status"></p>
</main><script src="/recovery.js"></script></body></html>`;
}

const STYLE = `
:root { color-scheme: light dark; font: 15px/1.5 system-ui, sans-serif; }
body { margin: 0; background: Canvas; color: CanvasText; }
main { max-width: 44rem; margin: 12vh auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid #3b82f6; background: #2563eb; color: #fff; cursor: pointer; }
button:disabled { opacity: 0.6; cursor: default; }
#status { min-height: 1.5em; }
`;

const SCRIPT = `
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const status = document.getElementById('status');
const button = document.getElementById('restore');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
async function appIsBack() {
  try {
    const res = await fetch('/', { cache: 'no-store' });
    return res.ok && !(await res.text()).includes('data-recovery');
  } catch { return false; }
}
button?.addEventListener('click', async () => {
  button.disabled = true;
  status.textContent = 'Restoring…';
  const res = await fetch('/recovery/restore', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
  const answer = await res.json().catch(() => ({ ok: false, message: 'The server answered ' + res.status + '.' }));
  status.textContent = answer.message;
  if (!answer.ok) { button.disabled = false; return; }
  while (!(await appIsBack())) await pause(300);
  location.reload();
});
`;

export async function startRecoveryServer(opts: RecoveryServerOptions): Promise<RecoveryServer> {
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
  const headers = { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(), 'Cache-Control': 'no-store' };
  let markRestored!: () => void;
  const restored = new Promise<void>((r) => { markRestored = r; });
  let restoring = false;

  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, { ...headers, 'Content-Type': type });
    res.end(body);
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard.hostAllowed(req)) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden host');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/recovery/restore') {
      if (!guard.originAllowed(req)) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden origin');
      const auth = guard.check(req);
      if (auth !== 'ok') return send(res, auth === 'throttled' ? 429 : 401, 'text/plain; charset=utf-8', 'Missing or wrong token');
      if (restoring) return send(res, 409, 'application/json', JSON.stringify({ ok: false, message: 'A restore is already running.' }));
      restoring = true;
      try {
        const report = await restoreLastGoodBackup(opts.dataDir, join(opts.dataDir, DATABASE_FILE_NAME));
        const message = `Restored the library from the backup of ${new Date(report.restored.takenAt).toUTCString()}. Opening it…`;
        console.log(`DaTo Studio: ${message}${report.damagedKeptAs ? ` The damaged library was kept as ${report.damagedKeptAs}.` : ''}`);
        send(res, 200, 'application/json', JSON.stringify({ ok: true, message }));
        markRestored();
      } catch (err) {
        restoring = false;
        send(res, 200, 'application/json', JSON.stringify({ ok: false, message: err instanceof Error ? err.message : String(err) }));
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    if (url.pathname === '/recovery.js') return send(res, 200, 'text/javascript; charset=utf-8', SCRIPT);
    if (url.pathname === '/recovery.css') return send(res, 200, 'text/css; charset=utf-8', STYLE);
    if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', page(opts.dataDir, opts.problem));
    send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  }

  server.on('request', (req, res) => {
    route(req, res).catch((err: unknown) => {
      console.error('[web] recovery request failed:', err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.destroy();
    });
  });

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    restored,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
