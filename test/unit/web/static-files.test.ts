// W-06 / E-02: the UI files and image URLs resolve only inside their roots; everything else is null.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImagePath } from '../../../main/web/image-route';
import { resolveStaticFile } from '../../../main/web/static-files';

const dir = mkdtempSync(join(tmpdir(), 'dato-static-'));
const root = join(dir, 'ui');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), 'index');
writeFileSync(join(root, 'assets', 'app.js'), 'js');
writeFileSync(join(dir, 'secret.txt'), 'secret');
writeFileSync(join(dir, 'secret.js'), 'secret');
symlinkSync(join(dir, 'secret.js'), join(root, 'assets', 'link.js'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveStaticFile', () => {
  it('serves index.html for / and files inside the root', async () => {
    expect(await resolveStaticFile(root, '/')).toBe(join(root, 'index.html'));
    expect(await resolveStaticFile(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });
  it.each([
    '/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.js', '/assets/../../secret.js', '/assets/link.js', '/..%5csecret.js',
    '/assets/app.js%00.png', '/%E0%A4%A', '/assets', '/missing.js', '/index.exe', `/${'a'.repeat(4096)}.js`, '/./index.html',
  ])('refuses %s', async (path) => {
    expect(await resolveStaticFile(root, path)).toBeNull();
  });
});

describe('parseImagePath', () => {
  it('accepts /images/<id>/<variant> only', () => {
    expect(parseImagePath('/images/12/full')).toEqual({ id: 12, variant: 'full' });
    expect(parseImagePath('/images/3/heatmap')).toEqual({ id: 3, variant: 'heatmap' });
    for (const p of ['/images/0/full', '/images/01/full', '/images/1/full/', '/images/1/FULL', '/images/-1/thumb', '/images/1e3/full',
      '/images/1/../full', '/images/99999999999999999/full', '/images/1']) {
      expect(parseImagePath(p), p).toBeNull();
    }
  });
});
