// F-01 building block: the final name appears only complete, never replaces a file unless asked, and
// nothing is left behind on failure. (ENOSPC on a real full filesystem: disk-full.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../main/common/atomic-file';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-atomic-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes the bytes under the final name and leaves no temp file', async () => {
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    await writeFileAtomic(join(dir, 'a.png'), data);
    expect(readFileSync(join(dir, 'a.png')).equals(Buffer.from(data))).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.png']);
  });

  it('refuses to replace an existing file unless asked to', async () => {
    writeFileSync(join(dir, 'a.png'), 'old');
    await expect(writeFileAtomic(join(dir, 'a.png'), Buffer.from('new'))).rejects.toMatchObject({ code: 'internal' });
    expect(readFileSync(join(dir, 'a.png'), 'utf8')).toBe('old');
    await writeFileAtomic(join(dir, 'a.png'), Buffer.from('new'), { replace: true });
    expect(readFileSync(join(dir, 'a.png'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['a.png']);
  });

  it('fails with an AppError and no leftovers when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'a.png'), Buffer.from('x'))).rejects.toMatchObject({ name: 'AppError' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes its temp file when the rename fails (target is a directory)', async () => {
    const target = join(dir, 'taken');
    writeFileSync(join(dir, 'keep.txt'), 'k');
    mkdirSync(join(target, 'inner'), { recursive: true });
    await expect(writeFileAtomic(target, Buffer.from('x'), { replace: true })).rejects.toMatchObject({ name: 'AppError' });
    expect(readdirSync(dir).sort()).toEqual(['keep.txt', 'taken']);
  });
});
