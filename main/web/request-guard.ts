// Who may talk to the web-mode server (W-02..W-05): the Host header must name the loopback address we bound
// (DNS rebinding), a browser Origin must be ours (CSRF, cross-site WebSocket hijacking), and the session
// token must match, compared in constant time. Repeated wrong tokens from one address are answered 429.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WEB_TOKEN_PROTOCOL_PREFIX } from '../../preload/contract';

export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;
  private readonly failures = new Map<string, { count: number; since: number }>();

  /**
   * extraOrigins: further browser origins allowed to connect, e.g. the Vite dev server that proxies to this
   * one during UI development (`--allow-origin http://127.0.0.1:5173`).
   */
  constructor(private readonly token: string, port: number, extraHostNames: readonly string[] = [], extraOrigins: readonly string[] = []) {
    const names = [...LOOPBACK_NAMES, ...extraHostNames];
    this.hosts = new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
    this.origins = new Set([...names.map((n) => `http://${n}:${port}`), ...extraOrigins].map((o) => o.toLowerCase()));
  }

  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    return typeof host === 'string' && this.hosts.has(host.toLowerCase());
  }

  /** No Origin (not a browser, or a same-origin GET) is allowed; a foreign one never is. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return this.origins.has(origin.toLowerCase());
  }

  tokenMatches(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string') return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * The token from `Authorization: Bearer …` or the WebSocket subprotocol; never from the URL, where it
   * would end up in copied addresses, history and logs (images use a cookie, session-cookie.ts).
   */
  static tokenOf(req: IncomingMessage): string | null {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    const protocols = req.headers['sec-websocket-protocol'];
    if (typeof protocols === 'string') {
      const p = protocols.split(',').map((s) => s.trim()).find((s) => s.startsWith(WEB_TOKEN_PROTOCOL_PREFIX));
      if (p) return p.slice(WEB_TOKEN_PROTOCOL_PREFIX.length);
    }
    return null;
  }

  /** Wrong tokens from one address in the current minute (loopback clients all share 127.0.0.1). */
  private failuresOf(address: string, now: number): { count: number; since: number } {
    let f = this.failures.get(address);
    if (!f || now - f.since > 60_000) {
      f = { count: 0, since: now };
      this.failures.set(address, f);
    }
    return f;
  }

  /**
   * 'ok', 'denied' (401) or 'throttled' (429: more than 20 wrong tokens from this address this minute).
   * A correct token is always accepted, so a local page spraying wrong tokens cannot lock the user out;
   * guessing is hopeless anyway (256 bits); throttling makes scanning visible in the log.
   */
  check(req: IncomingMessage, now = Date.now()): 'ok' | 'denied' | 'throttled' {
    if (this.tokenMatches(RequestGuard.tokenOf(req))) return 'ok';
    const address = req.socket.remoteAddress ?? '?';
    const f = this.failuresOf(address, now);
    f.count++;
    if (f.count === 21) console.warn(`[web] more than 20 wrong session tokens from ${address} in a minute`);
    return f.count > 20 ? 'throttled' : 'denied';
  }
}
