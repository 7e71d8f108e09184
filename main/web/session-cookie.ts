// Web mode's key for images: the link's token is exchanged once (POST /session with `Authorization: Bearer`)
// for an HttpOnly, SameSite=Strict cookie with its own random secret, sent only to /images/. Image and
// thumbnail URLs then carry no secret ("copy image address" or a screenshot of the address bar leaks
// nothing), and no script can read the cookie. Cookies ignore ports, so every server names its own
// (`dato-session-PORT`): two web-mode servers on one machine do not overwrite each other's.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Secrets kept (one per exchange: per tab and reconnect); the oldest is forgotten first. */
const MAX_SESSIONS = 256;

export class SessionCookies {
  readonly name: string;
  private readonly secrets: string[] = [];

  constructor(port: number) {
    this.name = `dato-session-${port}`;
  }

  /** A new session: the Set-Cookie header value. */
  issue(): string {
    const secret = randomBytes(32).toString('hex');
    this.secrets.push(secret);
    if (this.secrets.length > MAX_SESSIONS) this.secrets.shift();
    return `${this.name}=${secret}; Path=/images/; HttpOnly; SameSite=Strict`;
  }

  /** Whether the request carries one of our sessions' cookies. */
  matches(req: IncomingMessage): boolean {
    const header = req.headers.cookie;
    if (typeof header !== 'string') return false;
    const value = header.split(';').map((p) => p.trim()).find((p) => p.startsWith(`${this.name}=`))?.slice(this.name.length + 1);
    if (!value || value.length !== 64) return false;
    const candidate = Buffer.from(value);
    return this.secrets.some((s) => timingSafeEqual(Buffer.from(s), candidate));
  }
}
