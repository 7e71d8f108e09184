// E-02/E-03 in plain Node: the two privileged schemes, driven through a stand-in `protocol` that records the
// handlers Electron would call. studio://app serves only the built UI folder, with the CSP header;
// studio-image://image/<id>/<variant> serves library files found by id, never by a path from the URL.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, handleProtocols, registerSchemes } from '../../../main/app/protocols';

const dir = mkdtempSync(join(tmpdir(), 'dato-protocols-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rendererDir = join(dir, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>DaTo Studio</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.txt'), 'outside the UI folder');
const imageFile = join(dir, '7.png');
writeFileSync(imageFile, Buffer.from([0x89, 0x50, 0x4e, 0x47]));

type Handler = (request: Request) => Promise<Response>;
const handlers = new Map<string, Handler>();
const gallery = { filePath: (id: number, variant: string) => (id === 7 && variant === 'full' ? imageFile : id === 8 ? join(dir, 'gone.png') : null) };
const sources = { filePath: (id: number) => (id === 3 ? imageFile : null) };
handleProtocols({ handle: (scheme: string, h: Handler) => { handlers.set(scheme, h); } } as never, rendererDir, gallery as never, sources);
const get = (url: string): Promise<Response> => handlers.get(url.slice(0, url.indexOf(':')))!(new Request(url));

describe('registerSchemes', () => {
  it('registers both schemes as standard and secure, before the app is ready', () => {
    const registered: unknown[] = [];
    registerSchemes({ registerSchemesAsPrivileged: (s: unknown[]) => registered.push(...s) } as never);
    expect(registered).toEqual([
      expect.objectContaining({ scheme: 'studio', privileges: expect.objectContaining({ standard: true, secure: true }) }),
      expect.objectContaining({ scheme: 'studio-image', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });
});

describe('studio://app', () => {
  it('serves the UI with the CSP and its content type', async () => {
    const res = await get(APP_INDEX_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).toMatch(/img-src[^;]*studio-image:/);
    expect(await res.text()).toContain('DaTo Studio');
    expect((await get('studio://app/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for other hosts, missing files and paths that leave the UI folder', async () => {
    for (const url of ['studio://evil/index.html', 'studio://app/nope.js', 'studio://app/../secret.txt', 'studio://app/%2e%2e/secret.txt', 'studio://app/..%2fsecret.txt']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});

describe('studio-image://image', () => {
  it('serves a library image found by id', async () => {
    const res = await get('studio-image://image/7/full');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  });

  it('answers 404 for unknown ids and variants, other hosts, path-like URLs and files gone from disk', async () => {
    for (const url of ['studio-image://image/9/full', 'studio-image://image/7/raw', 'studio-image://file/7/full',
      'studio-image://image/7/full/../../secret.txt', 'studio-image://image/08/full', 'studio-image://image/8/full']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});

describe('studio-image://source (image-to-image inputs, issue 9)', () => {
  it('serves a stored source picture or mask by id; 404 for anything else', async () => {
    const res = await get('studio-image://source/3');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    for (const url of ['studio-image://source/4', 'studio-image://source/3/full', 'studio-image://source/03', 'studio-image://source/../7.png', 'studio-image://image/3']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});
