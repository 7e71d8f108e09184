// W-02/W-03/W-04: Host allowlist, Origin check, constant-time token comparison, throttling of wrong tokens
// that never locks out the right one.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';

const timingSafeEqual = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => { timingSafeEqual.calls++; return real.timingSafeEqual(a, b); } };
});

const { RequestGuard } = await import('../../../main/web/request-guard');

const TOKEN = 'ab'.repeat(32);
const req = (headers: Record<string, string>, address = '127.0.0.1'): IncomingMessage =>
  ({ headers, socket: { remoteAddress: address } }) as unknown as IncomingMessage;

describe('RequestGuard', () => {
  const guard = new RequestGuard(TOKEN, 4000, ['gpu-box.local']);

  it('allows only loopback Host headers with our port (plus configured names)', () => {
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000', 'LOCALHOST:4000', 'gpu-box.local:4000']) {
      expect(guard.hostAllowed(req({ host })), host).toBe(true);
    }
    for (const host of ['127.0.0.1', '127.0.0.1:4001', 'evil.example:4000', '127.0.0.1.evil.example:4000', '0.0.0.0:4000', '']) {
      expect(guard.hostAllowed(req({ host })), host).toBe(false);
    }
    expect(guard.hostAllowed(req({}))).toBe(false);
  });

  it('allows a missing Origin (not a browser) and our own, never a foreign one', () => {
    expect(guard.originAllowed(req({}))).toBe(true);
    expect(guard.originAllowed(req({ origin: 'http://127.0.0.1:4000' }))).toBe(true);
    for (const origin of ['https://evil.example', 'http://127.0.0.1:4001', 'null', 'http://localhost:4000.evil.example']) {
      expect(guard.originAllowed(req({ origin })), origin).toBe(false);
    }
  });

  it('reads the token from Authorization or the WebSocket subprotocol, compared with timingSafeEqual; never from the URL', () => {
    const before = timingSafeEqual.calls;
    expect(guard.check(req({ authorization: `Bearer ${TOKEN}` }))).toBe('ok');
    expect(guard.check(req({ 'sec-websocket-protocol': `studio.v1, studio-token.${TOKEN}` }))).toBe('ok');
    expect(timingSafeEqual.calls - before).toBe(2);
    expect(guard.check(req({}))).toBe('denied');
    expect(guard.check(req({ authorization: `Bearer ${TOKEN}x` }))).toBe('denied');
  });

  it('answers 429 after 20 wrong tokens a minute, yet still accepts the right one', () => {
    const g = new RequestGuard(TOKEN, 4000);
    const wrong = req({ authorization: `Bearer ${'00'.repeat(32)}` }, '10.0.0.9');
    const results = Array.from({ length: 25 }, () => g.check(wrong));
    expect(results.slice(0, 20).every((r) => r === 'denied')).toBe(true);
    expect(results.slice(20).every((r) => r === 'throttled')).toBe(true);
    expect(g.check(req({ authorization: `Bearer ${TOKEN}` }, '10.0.0.9'))).toBe('ok');
  });
});
