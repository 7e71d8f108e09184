// PNG text metadata: sharp cannot write tEXt/iTXt chunks, so we add them to the PNG bytes it produced,
// and read them back from any PNG with every size bounded (F-04, F-05).
// Chunk layout: length (u32 BE, data only) · type (4 ASCII) · data · CRC-32 over type + data.
// Ref: PNG spec (W3C, 3rd ed.) §5.3 chunk layout, §11.3.3 tEXt / zTXt / iTXt; Pillow PngImagePlugin
// (PngInfo.add_text; on read a later duplicate key wins).
// Pillow writes tEXt for any Latin-1 text, but several readers decode tEXt as UTF-8 (libvips/sharp shows
// "ü" as U+FFFD), so we write tEXt only for ASCII text, where both readings agree, and iTXt otherwise.
import { crc32, inflateSync } from 'node:zlib';
import { AppError } from '../common/app-error';
import { damaged, ImageFileError } from './image-file-error';

export interface TextEntry {
  keyword: string;
  text: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** One text chunk, encoded or decompressed: well above a 64 KB prompt plus its parameters. */
export const MAX_TEXT_CHUNK_BYTES = 1024 * 1024;
/** All text chunks of one file together, decompressed, in UTF-16 code units. */
export const MAX_TOTAL_TEXT_CHARS = 4 * 1024 * 1024;
export const MAX_TEXT_CHUNKS = 64;
/** Chunks of any kind walked before giving up (a file of millions of tiny chunks is not an image). */
const MAX_CHUNKS = 100_000;

const TEXT_TYPES = new Set(['tEXt', 'zTXt', 'iTXt']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Keyword rule of the PNG spec: 1-79 printable Latin-1 characters, no leading, trailing or double spaces. */
function isValidKeyword(keyword: string): boolean {
  return /^[\x21-\x7e\xa1-\xff](?:[\x21-\x7e\xa1-\xff]| (?! ))*$/.test(keyword) && keyword.length <= 79 && !keyword.endsWith(' ');
}

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- the whole 7-bit range, NUL included, is ASCII
  return /^[\x00-\x7f]*$/.test(text);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function encodeTextChunk({ keyword, text }: TextEntry): Buffer {
  if (!isValidKeyword(keyword)) throw new AppError('internal', 'Internal error: invalid PNG text keyword.', keyword);
  if (text.includes('\0')) {
    throw new AppError('invalid-parameters', 'The prompt contains a NUL character, which cannot be saved in a PNG.');
  }
  const key = Buffer.from(`${keyword}\0`, 'latin1');
  const ascii = isAscii(text);
  const data = ascii
    ? Buffer.concat([key, Buffer.from(text, 'latin1')])
    // iTXt: keyword \0 · compression flag 0 · method 0 · language tag "" \0 · translated keyword "" \0 · UTF-8 text
    : Buffer.concat([key, Buffer.from([0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
  if (data.length > MAX_TEXT_CHUNK_BYTES) {
    throw new AppError('invalid-parameters', `The image metadata "${keyword}" is too long to save (over 1 MiB).`);
  }
  return chunk(ascii ? 'tEXt' : 'iTXt', data);
}

interface RawChunk {
  type: string;
  /** Offset of the length field. */
  start: number;
  data: Buffer;
  crcOk: boolean;
}

function* walkChunks(png: Buffer): Generator<RawChunk> {
  if (png.length < PNG_SIGNATURE.length || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw damaged('PNG signature missing');
  let offset = 8;
  for (let count = 0; offset < png.length; count++) {
    if (count >= MAX_CHUNKS) throw new ImageFileError('image-too-large', 'This PNG has too many chunks to be read safely.');
    if (offset + 12 > png.length) throw damaged(`truncated chunk header at ${offset}`);
    const length = png.readUInt32BE(offset);
    if (length > 0x7fffffff || offset + 12 + length > png.length) throw damaged(`chunk at ${offset} runs past the end`);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw damaged(`invalid chunk type at ${offset}`);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crcOk = crc32(png.subarray(offset + 4, offset + 8 + length)) === png.readUInt32BE(offset + 8 + length);
    yield { type, start: offset, data, crcOk };
    if (type === 'IEND') return;
    offset += 12 + length;
  }
  throw damaged('IEND chunk missing');
}

/**
 * Return a new PNG with the entries added as tEXt (ASCII text) or iTXt (anything else) chunks, placed
 * before the first IDAT like Pillow/AUTOMATIC1111 do, so readers that stop at the image data see them too.
 */
export function insertTextChunks(png: Buffer, entries: readonly TextEntry[]): Buffer {
  const encoded = entries.map(encodeTextChunk);
  for (const c of walkChunks(png)) {
    if (c.type === 'IDAT' || c.type === 'IEND') {
      return Buffer.concat([png.subarray(0, c.start), ...encoded, png.subarray(c.start)]);
    }
  }
  throw damaged('no IDAT or IEND chunk');
}

function inflateBounded(data: Buffer): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: MAX_TEXT_CHUNK_BYTES });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageFileError('image-too-large', 'This PNG has compressed text metadata larger than 1 MiB; it was not read.');
    }
    throw damaged(`compressed text: ${String(err)}`);
  }
}

function decodeTextChunk(type: string, data: Buffer): TextEntry {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) throw damaged(`${type} keyword`);
  const keyword = data.toString('latin1', 0, nul);
  const rest = data.subarray(nul + 1);
  if (type === 'tEXt') return { keyword, text: rest.toString('latin1') };
  if (type === 'zTXt') {
    if (rest[0] !== 0) throw damaged('zTXt compression method');
    return { keyword, text: inflateBounded(rest.subarray(1)).toString('latin1') };
  }
  const [flag, method] = [rest[0], rest[1]];
  const langEnd = rest.indexOf(0, 2);
  const translatedEnd = langEnd < 0 ? -1 : rest.indexOf(0, langEnd + 1);
  if ((flag !== 0 && flag !== 1) || method !== 0 || translatedEnd < 0) throw damaged('iTXt header');
  const body = rest.subarray(translatedEnd + 1);
  try {
    return { keyword, text: utf8.decode(flag === 1 ? inflateBounded(body) : body) };
  } catch (err) {
    throw err instanceof ImageFileError ? err : damaged('iTXt text is not UTF-8');
  }
}

/**
 * Every tEXt / zTXt / iTXt entry of a PNG (a later duplicate keyword wins, as in Pillow). A text chunk with a
 * bad CRC or a malformed layout makes the whole read fail: the metadata is not trusted piecemeal.
 */
export function readTextChunks(png: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  let chunks = 0;
  let total = 0;
  for (const c of walkChunks(png)) {
    if (!TEXT_TYPES.has(c.type)) continue;
    if (!c.crcOk) throw damaged(`${c.type} chunk at ${c.start} fails its CRC`);
    if (++chunks > MAX_TEXT_CHUNKS) throw new ImageFileError('image-too-large', 'This PNG has too many text chunks to be read safely.');
    if (c.data.length > MAX_TEXT_CHUNK_BYTES) {
      throw new ImageFileError('image-too-large', 'This PNG has a text chunk larger than 1 MiB; it was not read.');
    }
    const { keyword, text } = decodeTextChunk(c.type, c.data);
    total += text.length;
    if (total > MAX_TOTAL_TEXT_CHARS) throw new ImageFileError('image-too-large', 'This PNG has more than 4 MiB of text metadata.');
    entries.set(keyword, text);
  }
  return entries;
}
