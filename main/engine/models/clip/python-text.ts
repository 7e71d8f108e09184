// Python's notions of "whitespace" and "word character", which the reference tokenizer (OpenAI
// clip/simple_tokenizer.py) and AUTOMATIC1111's prompt parser inherit. JavaScript's `\s`, `trim()` and
// `\b` differ from them in a few code points (JS: U+FEFF is space, U+0085 and U+001C..U+001F are not;
// JS `\b` only knows ASCII word characters), so every place that must match Python names its set here.

/** `str.isspace()` / `str.strip()` / stdlib `re` `\s` on str: Unicode White_Space plus U+001C..U+001F. */
export const PY_ISSPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** The third-party `regex` module's `\s` (used by simple_tokenizer.py): exactly Unicode White_Space. */
export const PY_REGEX_SPACE_CLASS = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Stdlib `re` `\w` on str: `str.isalnum()` or underscore, i.e. letters, numbers and `_`. */
export const PY_WORD_CLASS = '\\p{L}\\p{N}_';

const LEADING_SPACE = new RegExp(`^[${PY_ISSPACE_CLASS}]+`, 'u');
const TRAILING_SPACE = new RegExp(`[${PY_ISSPACE_CLASS}]+$`, 'u');

/** Python's `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}
