// T-25 (hostile half) / F-05: "load parameters from image" on files from outside: limits on bytes, pixels
// and text chunks, damaged data refused with a typed error, other formats read without parameters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { openExternalImage, readImageParameters, MAX_EXTERNAL_IMAGE_BYTES } from '../../../main/images/external-image';
import { formatA1111Parameters } from '../../../main/images/parameters';
import { insertTextChunks } from '../../../main/images/png-text';
import { testPattern } from './store-fixture';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-external-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = (): Promise<Buffer> => sharp(testPattern(32, 32), { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();

function fixCrc(buf: Buffer, chunkStart: number): void {
  const length = buf.readUInt32BE(chunkStart);
  buf.writeUInt32BE(crc32(buf.subarray(chunkStart + 4, chunkStart + 8 + length)), chunkStart + 8 + length);
}

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readImageParameters', () => {
  it('reads A1111 parameters written by another tool (iTXt, Unicode)', async () => {
    const text = formatA1111Parameters({ prompt: 'ein Schloss, 城', negativePrompt: '', steps: 20, sampler: 'euler_a', cfg: 7, seed: 5, width: 32, height: 32 });
    const path = file('a1111.png', insertTextChunks(await png(), [{ keyword: 'parameters', text }]));
    const result = await readImageParameters(path);
    expect(result).toMatchObject({ format: 'png', width: 32, height: 32, rawParameters: text, studio: null });
    expect(result.parameters).toMatchObject({ prompt: 'ein Schloss, 城', steps: 20, sampler: 'euler_a', seed: 5 });
  });

  it('returns no parameters for a PNG without them and for other formats', async () => {
    expect(await readImageParameters(file('plain.png', await png()))).toMatchObject({ format: 'png', parameters: null, rawParameters: null });
    const jpeg = await sharp(testPattern(16, 16), { raw: { width: 16, height: 16, channels: 3 } }).jpeg().toBuffer();
    expect(await readImageParameters(file('photo.jpg', jpeg))).toMatchObject({ format: 'jpeg', parameters: null });
  });

  it('refuses a PNG declaring 50 000 × 50 000 pixels before decoding it', async () => {
    const bytes = Buffer.from(await png());
    bytes.writeUInt32BE(50_000, 16);
    bytes.writeUInt32BE(50_000, 20);
    fixCrc(bytes, 8);
    await expect(readImageParameters(file('huge.png', bytes))).rejects.toMatchObject({ code: 'image-too-large' });
  });

  it('refuses a zTXt decompression bomb', async () => {
    const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
    const data = Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), bomb]);
    const chunk = Buffer.alloc(12 + data.length);
    chunk.writeUInt32BE(data.length, 0);
    chunk.write('zTXt', 4, 'latin1');
    data.copy(chunk, 8);
    fixCrc(chunk, 0);
    const base = await png();
    const path = file('bomb.png', Buffer.concat([base.subarray(0, base.length - 12), chunk, base.subarray(base.length - 12)]));
    await expect(readImageParameters(path)).rejects.toMatchObject({ code: 'image-too-large' });
  });

  it('refuses truncated PNGs, non-images, directories and files over the size cap', async () => {
    const full = insertTextChunks(await png(), [{ keyword: 'parameters', text: 'x\nSteps: 1, Sampler: DDIM, CFG scale: 1, Seed: 1, Size: 32x32' }]);
    await expect(readImageParameters(file('cut.png', full.subarray(0, full.length - 30)))).rejects.toMatchObject({ code: 'image-invalid' });
    await expect(readImageParameters(file('notes.png', Buffer.from('just text')))).rejects.toMatchObject({ code: 'image-invalid' });
    await expect(readImageParameters(dir)).rejects.toMatchObject({ code: 'image-invalid' });
    const big = join(dir, 'big.png');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_EXTERNAL_IMAGE_BYTES + 1); // sparse: costs no disk space
    closeSync(fd);
    await expect(readImageParameters(big)).rejects.toMatchObject({ code: 'image-too-large' });
  });
});

describe('openExternalImage', () => {
  it('fails on decode errors instead of returning a partly grey image', async () => {
    const full = await png();
    const idat = full.indexOf('IDAT') - 4;
    const damaged = Buffer.from(full);
    damaged.fill(0xff, idat + 8 + 2, idat + 8 + 40);
    fixCrc(damaged, idat);
    await expect(openExternalImage(damaged).raw().toBuffer()).rejects.toThrow();
    expect(Buffer.from(await openExternalImage(readFileSync(file('ok.png', full))).raw().toBuffer())).toHaveLength(32 * 32 * 3);
  });
});
