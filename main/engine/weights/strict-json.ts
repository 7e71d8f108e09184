// A strict JSON parser for untrusted headers. `JSON.parse` silently keeps the last of two duplicate keys,
// which lets a crafted safetensors header mean different things to different readers (Trail of Bits
// TOB-SFTN-7, "parser differential"). This parser refuses duplicate keys at every level, keeps numbers as
// their source text (so offsets beyond 2^53 are seen exactly, never rounded), stores objects in Maps (no
// `__proto__` surprises) and bounds nesting depth so a hostile `[[[[...` cannot overflow the stack, and the
// number of values so a header of millions of `{}` cannot take the checker's memory (each empty Map costs
// far more than its two bytes of JSON).
// Ref: RFC 8259 (grammar); serde_json (which also rejects lone surrogates in \u escapes).

import { shortened } from './untrusted-file';

export type JsonValue = null | boolean | JsonNumber | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** A JSON number kept as written, e.g. `"18446744073709551615"` or `"2.5e3"`. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/**
 * A parsed value as plain data (numbers as JS numbers, objects as plain objects with own keys only), for
 * readers of small, already-bounded documents that only look at strings and lists.
 */
export function plainJson(value: JsonValue | undefined): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plainJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plainJson(v)]));
  return value;
}

export class StrictJsonError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
    this.name = 'StrictJsonError';
  }
}

/** Valid JSON so far, but more structure than the caller's JsonLimits allow. */
export class JsonLimitError extends StrictJsonError {}

/** How much structure one document may have; callers that know their format pass tighter limits. */
export interface JsonLimits {
  /** Deepest nesting: the top-level value is depth 0. */
  readonly maxDepth: number;
  /** Values of any kind (object, array, string, number, literal), the top-level one included. */
  readonly maxValues: number;
  /** Elements of one array. */
  readonly maxArrayLength: number;
  /** Keys of one object. */
  readonly maxObjectEntries: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxValues: 1_000_000, maxArrayLength: 1_000_000, maxObjectEntries: 1_000_000 };
/** Pieces of a string built from escapes are joined in runs this long, so `\u0041` × 10^7 is not a rope of 10^7 nodes. */
const STRING_PIECES_PER_JOIN = 4096;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings (RFC 8259 §7)
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parse one JSON value starting at `text[0]` and return it with the index just past it. The caller decides
 * what may follow (the safetensors header allows only 0x20 padding there).
 */
export function parseStrictJsonPrefix(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): { value: JsonValue; end: number } {
  const parser = new Parser(text, limits);
  const value = parser.value(0);
  return { value, end: parser.pos };
}

/** Parse a whole JSON document; only JSON whitespace may follow the value. */
export function parseStrictJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonValue {
  const parser = new Parser(text, limits);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) throw new StrictJsonError('unexpected text after the JSON value', parser.pos);
  return value;
}

class Parser {
  pos = 0;
  private values = 0;
  constructor(private readonly text: string, private readonly limits: JsonLimits) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(depth: number): JsonValue {
    if (depth > this.limits.maxDepth) throw new JsonLimitError(`nesting deeper than ${this.limits.maxDepth} levels`, this.pos);
    if (++this.values > this.limits.maxValues) throw new JsonLimitError(`more than ${this.limits.maxValues} values`, this.pos);
    const c = this.text[this.pos];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return this.string();
      case 't': return this.literal('true', true);
      case 'f': return this.literal('false', false);
      case 'n': return this.literal('null', null);
      default: return this.number();
    }
  }

  private object(depth: number): JsonObject {
    const result: JsonObject = new Map();
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text[this.pos] === '}') { this.pos++; return result; }
    for (;;) {
      if (this.text[this.pos] !== '"') throw new StrictJsonError('expected a string key', this.pos);
      if (result.size === this.limits.maxObjectEntries) throw new JsonLimitError(`an object with more than ${this.limits.maxObjectEntries} keys`, this.pos);
      const keyPos = this.pos;
      const key = this.string();
      if (result.has(key)) throw new StrictJsonError(`duplicate key ${JSON.stringify(shortened(key))}`, keyPos);
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      result.set(key, this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') { this.pos++; this.skipWhitespace(); continue; }
      this.expect('}');
      return result;
    }
  }

  private array(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text[this.pos] === ']') { this.pos++; return result; }
    for (;;) {
      if (result.length === this.limits.maxArrayLength) throw new JsonLimitError(`an array longer than ${this.limits.maxArrayLength} elements`, this.pos);
      result.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') { this.pos++; this.skipWhitespace(); continue; }
      this.expect(']');
      return result;
    }
  }

  private string(): string {
    const start = this.pos;
    PLAIN_STRING_RUN.lastIndex = start + 1;
    PLAIN_STRING_RUN.test(this.text);
    const runEnd = PLAIN_STRING_RUN.lastIndex;
    if (this.text[runEnd] === '"') { this.pos = runEnd + 1; return this.text.slice(start + 1, runEnd); }
    // Escapes: the native parser decodes them (fast on millions of them) and is as strict as we are, except
    // that it lets lone surrogates through; anything it refuses or lets through is re-read below for the
    // exact error.
    const close = this.closingQuote(runEnd);
    if (close !== -1) {
      try {
        const value = JSON.parse(this.text.slice(start, close + 1)) as string;
        if (!LONE_SURROGATE.test(value)) { this.pos = close + 1; return value; }
      } catch { /* re-read below */ }
    }
    return this.stringByPieces();
  }

  /** Index of the quote that ends a string whose body continues at `from`, or -1. */
  private closingQuote(from: number): number {
    for (let quote = this.text.indexOf('"', from); quote !== -1; quote = this.text.indexOf('"', quote + 1)) {
      let backslashes = 0;
      while (this.text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) return quote;
    }
    return -1;
  }

  private stringByPieces(): string {
    this.pos++; // opening quote
    const joined: string[] = [];
    let pieces: string[] = [];
    const add = (piece: string): void => {
      pieces.push(piece);
      if (pieces.length === STRING_PIECES_PER_JOIN) { joined.push(pieces.join('')); pieces = []; }
    };
    for (;;) {
      PLAIN_STRING_RUN.lastIndex = this.pos;
      PLAIN_STRING_RUN.test(this.text);
      if (PLAIN_STRING_RUN.lastIndex > this.pos) add(this.text.slice(this.pos, PLAIN_STRING_RUN.lastIndex));
      this.pos = PLAIN_STRING_RUN.lastIndex;
      const c = this.text[this.pos];
      if (c === '"') { this.pos++; return joined.join('') + pieces.join(''); }
      if (c === undefined) throw new StrictJsonError('unterminated string', this.pos);
      if (c !== '\\') throw new StrictJsonError('control character in string', this.pos);
      add(this.escape());
    }
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        const unit = this.hex4();
        if (unit >= 0xdc00 && unit <= 0xdfff) throw new StrictJsonError('lone low surrogate escape', this.pos - 6);
        if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
        if (this.text[this.pos] !== '\\' || this.text[this.pos + 1] !== 'u') {
          throw new StrictJsonError('lone high surrogate escape', this.pos - 6);
        }
        this.pos += 2;
        const low = this.hex4();
        if (low < 0xdc00 || low > 0xdfff) throw new StrictJsonError('invalid surrogate pair', this.pos - 6);
        return String.fromCharCode(unit, low);
      }
      default: throw new StrictJsonError('invalid escape', this.pos - 2);
    }
  }

  private hex4(): number {
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (digit < 0) throw new StrictJsonError('invalid \\u escape', this.pos);
      unit = unit * 16 + digit;
    }
    this.pos += 4;
    return unit;
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new StrictJsonError('unexpected character', this.pos);
    this.pos = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw new StrictJsonError('unexpected character', this.pos);
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) {
      throw new StrictJsonError(this.pos >= this.text.length ? `expected '${c}' before the end` : `expected '${c}'`, this.pos);
    }
    this.pos++;
  }
}
