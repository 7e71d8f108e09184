// Generation parameters in JPEG and WebP files, exactly as AUTOMATIC1111 stores them there: an EXIF block
// whose Exif IFD holds one UserComment tag = "UNICODE\0" + the text in UTF-16BE (piexif's
// `UserComment.dump(text, encoding="unicode")`, in a big-endian TIFF as `piexif.dump` writes it). Civitai,
// A1111's PNG Info and other tools read parameters back from there. libvips (sharp's withExif) cannot write
// it: it stores UserComment as ASCII and drops every non-ASCII character, so the block is built here.

const UNICODE_PREFIX = Buffer.from('UNICODE\0', 'latin1');
const TAG_EXIF_IFD_POINTER = 0x8769;
const TAG_USER_COMMENT = 0x9286;
const TYPE_LONG = 4;
const TYPE_UNDEFINED = 7;

/** Byte-swapped copy of the 16-bit units of `b` (UTF-16LE ↔ UTF-16BE). */
function swap16(b: Buffer): Buffer {
  const out = Buffer.from(b.subarray(0, b.length & ~1));
  for (let i = 0; i + 1 < out.length; i += 2) {
    const x = out[i]!;
    out[i] = out[i + 1]!;
    out[i + 1] = x;
  }
  return out;
}

/** A TIFF-structured EXIF block (no "Exif\0\0" header): IFD0 → Exif IFD → UserComment. */
export function exifWithUserComment(text: string): Buffer {
  const comment = Buffer.concat([UNICODE_PREFIX, swap16(Buffer.from(text, 'utf16le'))]);
  const ifd0 = 8;
  const exifIfd = ifd0 + 2 + 12 + 4;
  const data = exifIfd + 2 + 12 + 4;
  const out = Buffer.alloc(data + comment.length);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(ifd0, 4);
  const entry = (at: number, tag: number, type: number, count: number, value: number): void => {
    out.writeUInt16BE(1, at); // one entry
    out.writeUInt16BE(tag, at + 2);
    out.writeUInt16BE(type, at + 4);
    out.writeUInt32BE(count, at + 6);
    out.writeUInt32BE(value, at + 10);
    out.writeUInt32BE(0, at + 14); // no next IFD
  };
  entry(ifd0, TAG_EXIF_IFD_POINTER, TYPE_LONG, 1, exifIfd);
  entry(exifIfd, TAG_USER_COMMENT, TYPE_UNDEFINED, comment.length, data);
  comment.copy(out, data);
  return out;
}

/** The UserComment text of a TIFF-structured EXIF block, or null (either byte order, any of the three codes). */
export function readExifUserComment(exif: Buffer): string | null {
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  if (tiff.length < 8) return null;
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const find = (ifd: number, tag: number): { count: number; value: number } | null => {
    if (ifd + 2 > tiff.length) return null;
    const n = u16(ifd);
    for (let i = 0; i < n; i++) {
      const at = ifd + 2 + 12 * i;
      if (at + 12 > tiff.length) return null;
      if (u16(at) === tag) return { count: u32(at + 4), value: u32(at + 8) };
    }
    return null;
  };
  const pointer = find(u32(4), TAG_EXIF_IFD_POINTER);
  const tag = pointer && find(pointer.value, TAG_USER_COMMENT);
  if (!tag || tag.count < 8 || tag.value + tag.count > tiff.length) return null;
  const raw = tiff.subarray(tag.value, tag.value + tag.count);
  const code = raw.subarray(0, 8).toString('latin1');
  const body = raw.subarray(8);
  if (code === UNICODE_PREFIX.toString('latin1')) return swap16(body).toString('utf16le');
  return body.toString('utf8').replace(/\0+$/, '');
}

/** `jpeg` with an APP1 Exif segment right after its SOI marker. */
export function insertJpegExif(jpeg: Buffer, exif: Buffer): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG stream');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exif]);
  if (payload.length + 2 > 0xffff) throw new Error('EXIF block too large for one JPEG segment');
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** `webp` (a simple lossy or lossless file as sharp writes it) in the extended format with an EXIF chunk. */
export function insertWebpExif(webp: Buffer, exif: Buffer, width: number, height: number): Buffer {
  if (webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') throw new Error('not a WebP file');
  const first = webp.toString('latin1', 12, 16);
  if (first !== 'VP8 ' && first !== 'VP8L') throw new Error(`unexpected WebP layout (${first})`);
  const vp8x = Buffer.alloc(10);
  vp8x.writeUInt8(0x08, 0); // EXIF present; no alpha, ICC, XMP or animation
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), riffChunk('VP8X', vp8x), webp.subarray(12), riffChunk('EXIF', exif)]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}
