// Python's `html.unescape`, which the CLIP tokenizer applies (twice) to every prompt.
// Ref: CPython Lib/html/__init__.py (`unescape`, `_replace_charref`, `_invalid_charrefs`,
// `_invalid_codepoints`).
//
// Numeric references follow CPython exactly (its table for 0x80..0x9F, U+FFFD for surrogates and
// out-of-range numbers, and *removal* of control characters and noncharacters, where the HTML spec
// would keep them). Named references need the HTML5 entity table; CPython's rule ("the whole name, else
// the longest prefix that is a legacy name usable without ';'") is the HTML5 longest-match rule for
// text content, which `entities`' `decodeHTML` in Legacy mode implements over the same WHATWG table.

import { decodeHTML, DecodingMode } from 'entities';

// Same pattern as CPython's `_charref`: a name is at most 32 characters (code points, hence the `u` flag).
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

// CPython `_invalid_charrefs`: the HTML spec's replacements for numeric references.
const INVALID_CHARREFS = new Map<number, string>([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'],
  [0x84, '\u201e'], [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'],
  [0x8a, '\u0160'], [0x8b, '\u2039'], [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'],
  [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'], [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'],
  [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'], [0x9a, '\u0161'], [0x9b, '\u203a'],
  [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

/** CPython `_invalid_codepoints`: references to these are dropped. */
function isInvalidCodepoint(cp: number): boolean {
  return (cp >= 0x01 && cp <= 0x08) || cp === 0x0b || (cp >= 0x0e && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f)
    || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

function replaceNumeric(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
  // Huge values lose precision as doubles but stay > 0x10FFFF, which is all that matters below.
  const cp = hex ? parseInt(digits, 16) : parseInt(digits, 10);
  const replacement = INVALID_CHARREFS.get(cp);
  if (replacement !== undefined) return replacement;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isInvalidCodepoint(cp)) return '';
  return String.fromCodePoint(cp);
}

/** Decode HTML character references in `text` exactly like Python's `html.unescape`. */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (_match, ref: string) =>
    ref[0] === '#' ? replaceNumeric(ref) : decodeHTML(`&${ref}`, DecodingMode.Legacy));
}
