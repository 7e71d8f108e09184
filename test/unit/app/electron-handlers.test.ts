// The Electron-only handlers the main process installs, run in Node against recording stand-ins for the
// Electron objects they are given (Protocol.handle, Session permission handlers, the App's
// web-contents-created event): the privileged schemes serve only the UI folder and library images, every
// permission but clipboard writing is denied, and navigation / new windows are locked down.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, Protocol, Session } from 'electron';
import { handleProtocols, registerSchemes } from '../../../main/app/protocols';
import { denyPermissions, lockDownWebContents } from '../../../main/app/security';
import type { GalleryService } from '../../../main/services/gallery-service';

type Handler = (request: Request) => Promise<Response>;

let dir: string;
let handlers: Map<string, Handler>;
const imagePng = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dato-protocols-'));
  mkdirSync(join(dir, 'ui', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(dir, 'ui', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'canary');
  writeFileSync(join(dir, 'image.png'), imagePng);
  handlers = new Map();
  const protocol = { handle: (scheme: string, handler: Handler) => { handlers.set(scheme, handler); } } as unknown as Pick<Protocol, 'handle'>;
  const gallery = { filePath: (id: number, variant: string) => (id === 5 && variant === 'full' ? join(dir, 'image.png') : null) } as unknown as GalleryService;
  handleProtocols(protocol, join(dir, 'ui'), gallery);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string): Promise<Response> => handlers.get(new URL(url).protocol.slice(0, -1))!(new Request(url));

describe('privileged schemes (E-02, E-03)', () => {
  it('registers both schemes as standard and secure', () => {
    const registered: { scheme: string; privileges: Record<string, boolean> }[] = [];
    registerSchemes({ registerSchemesAsPrivileged: (s: typeof registered) => { registered.push(...s); } } as never);
    expect(registered.map((s) => s.scheme)).toEqual(['studio', 'studio-image']);
    for (const s of registered) expect(s.privileges).toMatchObject({ standard: true, secure: true });
  });

  it('studio://app serves the UI with the CSP as a response header', async () => {
    const res = await get('studio://app/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>ui</title>');
    expect((await get('studio://app/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('studio://app never serves anything outside the UI folder, nor another host', async () => {
    for (const url of ['studio://app/../secret.txt', 'studio://app/%2e%2e/secret.txt', 'studio://app/%2e%2e%2fsecret.txt',
      'studio://app/..%5csecret.txt', 'studio://other/index.html', 'studio://app/missing.html', `studio://app/${'a'.repeat(4096)}.js`]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('canary');
    }
  });

  it('studio-image://image/<id>/<variant> serves library images by id only', async () => {
    const ok = await get('studio-image://image/5/full');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(imagePng);
    for (const url of ['studio-image://image/6/full', 'studio-image://image/5/../../secret.txt', 'studio-image://other/5/full',
      'studio-image://image/5/thumb', 'studio-image://image/05/full']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});

describe('permissions (E-07)', () => {
  it('denies every permission request and check except clipboard writing, and every device', () => {
    const installed: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => { installed.request = h; },
      setPermissionCheckHandler: (h: never) => { installed.check = h; },
      setDevicePermissionHandler: (h: never) => { installed.device = h; },
    } as unknown as Session;
    denyPermissions(session);
    const answer = (permission: string): boolean => {
      let granted: boolean | undefined;
      (installed.request as (c: unknown, p: string, cb: (g: boolean) => void) => void)({}, permission, (g) => { granted = g; });
      return granted!;
    };
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'unknown']) {
      expect(answer(p), p).toBe(false);
      expect((installed.check as (c: unknown, p: string) => boolean)({}, p), p).toBe(false);
    }
    expect(answer('clipboard-sanitized-write')).toBe(true);
    expect((installed.device as () => boolean)()).toBe(false);
  });
});

describe('navigation lock (E-06)', () => {
  function contents(): { emitter: EventEmitter; openHandler: (d: { url: string }) => { action: string } } {
    const app = new EventEmitter();
    const emitter = new EventEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    Object.assign(emitter, { setWindowOpenHandler: (h: typeof openHandler) => { openHandler = h; } });
    lockDownWebContents(app as unknown as App, shell);
    app.emit('web-contents-created', {}, emitter);
    return { emitter, openHandler: openHandler! };
  }
  const shell = { openExternal: vi.fn(async () => undefined) };

  it('keeps navigation inside the app scheme and refuses webviews', () => {
    const { emitter } = contents();
    const navigate = (event: string, url: string): boolean => {
      const e = { url, preventDefault: vi.fn() };
      emitter.emit(event, e, url);
      return e.preventDefault.mock.calls.length === 0;
    };
    expect(navigate('will-navigate', 'studio://app/index.html#/gallery')).toBe(true);
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'studio://app.evil.example/', 'studio-image://image/1/full', 'javascript:alert(1)']) {
        expect(navigate(event, url), `${event} ${url}`).toBe(false);
      }
    }
    const webview = { preventDefault: vi.fn() };
    emitter.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('opens no window; allowlisted https links go to the browser, nothing else does', () => {
    const { openHandler } = contents();
    shell.openExternal.mockClear();
    expect(openHandler({ url: 'https://huggingface.co/runwayml' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://huggingface.co/runwayml');
    for (const url of ['http://huggingface.co/', 'https://huggingface.co.evil.example/', 'https://evil.example/?https://github.com/', 'file:///etc/passwd']) {
      shell.openExternal.mockClear();
      expect(openHandler({ url })).toEqual({ action: 'deny' });
      expect(shell.openExternal, url).not.toHaveBeenCalled();
    }
  });
});
