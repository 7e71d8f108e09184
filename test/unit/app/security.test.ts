// E-06/E-07 in plain Node: the rules lockDownWebContents and denyPermissions install on every web contents
// and session, driven through stand-ins that record what Electron would be told (the real objects need the
// Electron binary).
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { denyPermissions, isAllowedExternal, lockDownWebContents } from '../../../main/app/security';

type OpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

/** A web contents after 'web-contents-created': navigation events to emit, the window-open handler set. */
function lockedDownContents() {
  const app = new EventEmitter();
  const openExternal = vi.fn(async () => undefined);
  lockDownWebContents(app as never, { openExternal });
  const contents = Object.assign(new EventEmitter(), { openHandler: undefined as OpenHandler | undefined });
  (contents as unknown as { setWindowOpenHandler(h: OpenHandler): void }).setWindowOpenHandler = (h) => { contents.openHandler = h; };
  app.emit('web-contents-created', {}, contents);
  /** Emit `event` for `url`; true when the guard stopped it. */
  const stopped = (event: string, url: string): boolean => {
    const e = { url, preventDefault: vi.fn() };
    contents.emit(event, e, url);
    return e.preventDefault.mock.calls.length > 0;
  };
  return { contents, openExternal, stopped };
}

describe('navigation guards', () => {
  it('keep every navigation, redirect and frame navigation inside studio://app', () => {
    const { stopped } = lockedDownContents();
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(stopped(event, 'studio://app/index.html#/gallery'), event).toBe(false);
      expect(stopped(event, 'https://example.com/'), event).toBe(true);
      expect(stopped(event, 'file:///etc/passwd'), event).toBe(true);
      expect(stopped(event, 'studio://evil/index.html'), event).toBe(true);
      expect(stopped(event, 'studio-image://image/1/full'), event).toBe(true);
    }
  });

  it('never attach a <webview>', () => {
    expect(lockedDownContents().stopped('will-attach-webview', 'studio://app/index.html')).toBe(true);
  });

  it('deny every new window; allowlisted https links open in the user\'s browser instead', () => {
    const { contents, openExternal } = lockedDownContents();
    expect(contents.openHandler!({ url: 'https://huggingface.co/runwayml' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'https://huggingface.co.evil.example/x' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'studio://app/index.html' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://huggingface.co/runwayml']]);
  });

  it('the external allowlist is https, exact origins only', () => {
    expect(isAllowedExternal('https://github.com/EvelynZhang-epiclab/DaTo')).toBe(true);
    expect(isAllowedExternal('http://github.com/')).toBe(false);
    expect(isAllowedExternal('https://github.com.attacker.io/')).toBe(false);
    expect(isAllowedExternal('https://user@github.com@attacker.io/')).toBe(false);
    expect(isAllowedExternal('not a url')).toBe(false);
  });
});

describe('denyPermissions', () => {
  it('grants clipboard writing only, for requests and checks; no device access', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((c: unknown, p: string) => boolean) | undefined;
    let device: (() => boolean) | undefined;
    denyPermissions({
      setPermissionRequestHandler: (h: typeof request) => { request = h; },
      setPermissionCheckHandler: (h: typeof check) => { check = h; },
      setDevicePermissionHandler: (h: typeof device) => { device = h; },
    } as never);
    const answer = (permission: string): boolean => {
      let granted: boolean | undefined;
      request!({}, permission, (ok) => { granted = ok; });
      return granted!;
    };
    expect(answer('clipboard-sanitized-write')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(answer(p), p).toBe(false);
      expect(check!({}, p), p).toBe(false);
    }
    expect(check!({}, 'clipboard-sanitized-write')).toBe(true);
    expect(device!()).toBe(false);
  });
});
