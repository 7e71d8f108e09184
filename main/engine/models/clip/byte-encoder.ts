// GPT-2/CLIP byte-level BPE alphabet: every byte 0..255 maps to one printable character, so BPE can
// work on strings without whitespace or control characters. Printable Latin-1 bytes map to themselves,
// the other 68 bytes to U+0100 onwards in byte order. Ref: openai/CLIP clip/simple_tokenizer.py
// (bytes_to_unicode).

function buildByteTable(): { byByte: string[]; inVocabOrder: string[] } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const bytes = [...printable];
  const codePoints = [...printable];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) {
      bytes.push(b);
      codePoints.push(256 + extra++);
    }
  }
  const byByte = new Array<string>(256);
  bytes.forEach((b, i) => { byByte[b] = String.fromCodePoint(codePoints[i]!); });
  // The dict's insertion order (printable bytes first) is the order of the first 256 vocab entries.
  return { byByte, inVocabOrder: codePoints.map((cp) => String.fromCodePoint(cp)) };
}

const BYTE_TABLE = buildByteTable();

/** Character standing for each byte value (index = byte). */
export const BYTE_TO_UNICODE: readonly string[] = BYTE_TABLE.byByte;

/** `list(bytes_to_unicode().values())`: the 256 byte characters in the order they start the vocab. */
export const BYTE_CHARS_IN_VOCAB_ORDER: readonly string[] = BYTE_TABLE.inVocabOrder;

const utf8 = new TextEncoder();

/** `''.join(byte_encoder[b] for b in text.encode('utf-8'))`. */
export function toByteChars(text: string): string {
  let out = '';
  for (const b of utf8.encode(text)) out += BYTE_TO_UNICODE[b]!;
  return out;
}
