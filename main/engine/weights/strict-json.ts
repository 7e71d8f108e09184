// A strict JSON parser for untrusted headers. `JSON.parse` silently keeps the last of two duplicate keys,
// which lets a crafted safetensors header mean different things to different readers (Trail of Bits
// TOB-SFTN-7, "parser differential"). This parser refuses duplicate keys at every level, keeps numbers as
// their source text (so offsets beyond 2^53 are seen exactly, never rounded), stores objects in Maps (no
// `__proto__` surprises) and bounds nesting depth so a hostile `[[[[...` cannot overflow the stack.
// Ref: RFC 8259 (grammar); serde_json (which also rejects lone surrogates in \u escapes).

export type JsonValue = null | boolean | JsonNumber | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** A JSON number kept as written, e.g. `"18446744073709551615"` or `"2.5e3"`. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export class StrictJsonError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
    this.name = 'StrictJsonError';
  }
}

const MAX_DEPTH = 32;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings (RFC 8259 §7)
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;

/**
 * Parse one JSON value starting at `text[0]` and return it with the index just past it. The caller decides
 * what may follow (the safetensors header allows only 0x20 padding there).
 */
export function parseStrictJsonPrefix(text: string): { value: JsonValue; end: number } {
  const parser = new Parser(text);
  const value = parser.value(0);
  return { value, end: parser.pos };
}

/** Parse a whole JSON document; only JSON whitespace may follow the value. */
export function parseStrictJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) throw new StrictJsonError('unexpected text after the JSON value', parser.pos);
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new StrictJsonError(`nesting deeper than ${MAX_DEPTH} levels`, this.pos);
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
      const keyPos = this.pos;
      const key = this.string();
      if (result.has(key)) throw new StrictJsonError(`duplicate key ${JSON.stringify(key)}`, keyPos);
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
      result.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') { this.pos++; this.skipWhitespace(); continue; }
      this.expect(']');
      return result;
    }
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      PLAIN_STRING_RUN.lastIndex = this.pos;
      PLAIN_STRING_RUN.test(this.text);
      out += this.text.slice(this.pos, PLAIN_STRING_RUN.lastIndex);
      this.pos = PLAIN_STRING_RUN.lastIndex;
      const c = this.text[this.pos];
      if (c === '"') { this.pos++; return out; }
      if (c === undefined) throw new StrictJsonError('unterminated string', this.pos);
      if (c !== '\\') throw new StrictJsonError('control character in string', this.pos);
      out += this.escape();
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
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new StrictJsonError('invalid \\u escape', this.pos);
    this.pos += 4;
    return parseInt(digits, 16);
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
