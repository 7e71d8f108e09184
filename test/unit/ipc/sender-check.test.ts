// E-05: only the top-level frame of our own window, on our app scheme, may call main. URLs are parsed, not
// prefix-matched.
import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender, type SenderInfo } from '../../../main/ipc/sender-check';

const MAIN = 7;
const event = (url: string, opts: { parent?: unknown; id?: number; frame?: null } = {}): SenderInfo => ({
  senderFrame: opts.frame === null ? null : { url, parent: opts.parent ?? null },
  sender: { id: opts.id ?? MAIN },
});

describe('IPC sender validation', () => {
  it('trusts the main frame of the main window on studio://app', () => {
    expect(isTrustedSender(event('studio://app/index.html'), MAIN)).toBe(true);
    expect(isTrustedSender(event('studio://app/index.html#/gallery?x=1'), MAIN)).toBe(true);
  });

  it.each([
    'file:///home/user/index.html', 'https://evil.example/', 'http://127.0.0.1:5173/', 'studio://app.evil.example/index.html',
    'studio://evil/index.html', 'studio://user:pass@app/index.html', 'studio://app:8080/index.html', 'studio-image://image/1/full',
    'STUDIO://APP/index.html?', 'about:blank', 'data:text/html,hi', 'javascript:alert(1)', 'not a url', '',
  ])('refuses %s', (url) => {
    // Chromium hands us standard-scheme URLs in lower case; other spellings are refused.
    expect(isTrustedSender(event(url), MAIN)).toBe(false);
  });

  it('refuses sub-frames, other windows and events without a frame', () => {
    expect(isTrustedSender(event('studio://app/index.html', { parent: {} }), MAIN)).toBe(false);
    expect(isTrustedSender(event('studio://app/index.html', { id: MAIN + 1 }), MAIN)).toBe(false);
    expect(isTrustedSender(event('studio://app/index.html', { frame: null }), MAIN)).toBe(false);
    expect(isTrustedSender(event('studio://app/index.html'), undefined)).toBe(false);
  });

  it('isAppUrl is the navigation allowlist too', () => {
    expect(isAppUrl('studio://app/assets/app.js')).toBe(true);
    expect(isAppUrl('https://app/')).toBe(false);
  });
});
