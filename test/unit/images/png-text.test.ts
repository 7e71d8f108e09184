// T-25 (PNG half): text chunks inserted into sharp's PNG bytes round-trip exactly, carry correct CRCs
// (checked with an independent CRC-32), are read by libvips too, and hostile text chunks are refused.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { insertTextChunks, readTextChunks, MAX_TEXT_CHUNKS } from '../../../main/images/png-text';

async function tinyPng(): Promise<Buffer> {
  const rgb = Buffer.alloc(8 * 8 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) & 0xff;
  return sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
}

// Reference CRC-32 (PNG spec Annex D), written out here so the test does not trust zlib.crc32.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function referenceCrc(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)) >>> 0;
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk { type: string; start: number; length: number; crcOk: boolean }
function chunks(png: Buffer): Chunk[] {
  const out: Chunk[] = [];
  for (let o = 8; o < png.length;) {
    const length = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const crcOk = referenceCrc(png.subarray(o + 4, o + 8 + length)) === png.readUInt32BE(o + 8 + length);
    out.push({ type, start: o, length, crcOk });
    o += 12 + length;
  }
  return out;
}

function rawChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(referenceCrc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function withChunkBeforeIend(png: Buffer, chunk: Buffer): Buffer {
  return Buffer.concat([png.subarray(0, png.length - 12), chunk, png.subarray(png.length - 12)]);
}

const longPrompt = Array.from({ length: 6000 }, (_, i) => `token${String(i).padStart(5, '0')}, `).join('').slice(0, 64 * 1024);

describe('insertTextChunks / readTextChunks', () => {
  it('round-trips ASCII (tEXt), Unicode and Latin-1 (iTXt), newlines and a 64 KB prompt exactly', async () => {
    const entries = [
      { keyword: 'parameters', text: `line one\nline two, with: punctuation\r\n\ttab ${longPrompt}` },
      { keyword: 'dato-studio', text: '{"mode":"dato","prompt":"富士山の夕焼け 🌅 — café"}' },
      { keyword: 'Comment', text: 'Latin-1 only: ü é ß' },
      { keyword: 'empty', text: '' },
    ];
    const png = insertTextChunks(await tinyPng(), entries);
    const read = readTextChunks(png);
    expect([...read.entries()]).toEqual(entries.map((e) => [e.keyword, e.text]));
    expect(read.get('parameters')!.length).toBeGreaterThan(64 * 1024);

    const list = chunks(png);
    expect(list.every((c) => c.crcOk)).toBe(true);
    expect(list.filter((c) => ['tEXt', 'iTXt'].includes(c.type)).map((c) => c.type)).toEqual(['tEXt', 'iTXt', 'iTXt', 'tEXt']);
    const firstIdat = list.findIndex((c) => c.type === 'IDAT');
    expect(list.slice(firstIdat).some((c) => c.type === 'tEXt' || c.type === 'iTXt')).toBe(false);

    // libvips (libspng) reads the same chunks and decodes the image without warnings.
    const meta = await sharp(png).metadata();
    expect(meta.comments?.find((c) => c.keyword === 'dato-studio')?.text).toBe(entries[1]!.text);
    await expect(sharp(png, { failOn: 'warning' }).raw().toBuffer()).resolves.toHaveLength(8 * 8 * 3);
  });

  it('reads zTXt and compressed iTXt chunks written by other tools; a later duplicate keyword wins', async () => {
    let png = await tinyPng();
    png = withChunkBeforeIend(png, rawChunk('zTXt', Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), deflateSync(Buffer.from('from zTXt', 'latin1'))])));
    png = withChunkBeforeIend(png, rawChunk('iTXt', Buffer.concat([Buffer.from('Title\0\x01\x00en\0Titel\0', 'latin1'), deflateSync(Buffer.from('Überschrift ✓', 'utf8'))])));
    png = withChunkBeforeIend(png, rawChunk('tEXt', Buffer.from('parameters\0second', 'latin1')));
    const read = readTextChunks(png);
    expect(read.get('Title')).toBe('Überschrift ✓');
    expect(read.get('parameters')).toBe('second');
  });

  it('a flipped bit in a text chunk fails its CRC and the read', async () => {
    const png = insertTextChunks(await tinyPng(), [{ keyword: 'parameters', text: 'a cat' }]);
    const text = chunks(png).find((c) => c.type === 'tEXt')!;
    const damaged = Buffer.from(png);
    damaged[text.start + 8 + 3]! ^= 0x01;
    expect(() => readTextChunks(damaged)).toThrowError(expect.objectContaining({ code: 'image-invalid' }));
  });

  it('refuses files that are not PNG, truncated, or have a chunk running past the end', async () => {
    const png = insertTextChunks(await tinyPng(), [{ keyword: 'parameters', text: 'a cat' }]);
    expect(() => readTextChunks(Buffer.from('GIF89a....'))).toThrowError(expect.objectContaining({ code: 'image-invalid' }));
    expect(() => readTextChunks(png.subarray(0, png.length - 20))).toThrowError(expect.objectContaining({ code: 'image-invalid' }));
    const huge = Buffer.from(png);
    huge.writeUInt32BE(0x7ffffff0, 8 + 25); // the chunk after IHDR claims ~2 GB
    expect(() => readTextChunks(huge)).toThrowError(expect.objectContaining({ code: 'image-invalid' }));
  });

  it('refuses a zTXt decompression bomb without inflating it', async () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    console.log(`zTXt bomb: ${bomb.length} compressed bytes for 64 MiB`);
    const png = withChunkBeforeIend(await tinyPng(), rawChunk('zTXt', Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), bomb])));
    expect(() => readTextChunks(png)).toThrowError(expect.objectContaining({ code: 'image-too-large' }));
  });

  it('caps the number of text chunks', async () => {
    let png = await tinyPng();
    for (let i = 0; i <= MAX_TEXT_CHUNKS; i++) png = withChunkBeforeIend(png, rawChunk('tEXt', Buffer.from(`k${i}\0v`, 'latin1')));
    expect(() => readTextChunks(png)).toThrowError(expect.objectContaining({ code: 'image-too-large' }));
  });

  it('refuses invalid keywords and NUL characters in text when writing', async () => {
    const png = await tinyPng();
    for (const keyword of ['', ' lead', 'trail ', 'double  space', 'x'.repeat(80), 'nul\0', 'ключ']) {
      expect(() => insertTextChunks(png, [{ keyword, text: 'x' }]), JSON.stringify(keyword)).toThrow();
    }
    expect(() => insertTextChunks(png, [{ keyword: 'parameters', text: 'a\0b' }]))
      .toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
    expect(() => insertTextChunks(png, [{ keyword: 'parameters', text: 'x'.repeat(1024 * 1024 + 1) }]))
      .toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
  });
});
