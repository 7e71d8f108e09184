import { describe, expect, it } from 'vitest';
import { JsonNumber, StrictJsonError, parseStrictJson, parseStrictJsonPrefix } from '../../../../main/engine/weights/strict-json';

describe('strict JSON parser', () => {
  it('parses the JSON grammar into Maps, arrays and number texts', () => {
    const value = parseStrictJson(' {"a": [1, -2.5e3, true, false, null], "b": {"c": "x\\u00e9\\n\\ud83d\\ude00"}} ');
    expect(value).toBeInstanceOf(Map);
    const map = value as Map<string, unknown>;
    expect(map.get('a')).toEqual([new JsonNumber('1'), new JsonNumber('-2.5e3'), true, false, null]);
    expect((map.get('b') as Map<string, unknown>).get('c')).toBe('xé\n😀');
  });

  it('agrees with JSON.parse on strings and numbers it accepts', () => {
    const text = '{"k":"\\"\\\\\\/\\b\\f\\n\\r\\t","n":[0,10,1.25,1E-7]}';
    const ours = parseStrictJson(text) as Map<string, unknown>;
    const theirs = JSON.parse(text) as { k: string; n: number[] };
    expect(ours.get('k')).toBe(theirs.k);
    expect((ours.get('n') as JsonNumber[]).map((n) => Number(n.text))).toEqual(theirs.n);
  });

  it('keeps integers beyond 2^53 exact', () => {
    const map = parseStrictJson('{"x":18446744073709551615}') as Map<string, JsonNumber>;
    expect(BigInt(map.get('x')!.text)).toBe(2n ** 64n - 1n);
  });

  it('refuses duplicate keys at any depth (JSON.parse keeps the last)', () => {
    expect(JSON.parse('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(() => parseStrictJson('{"a":1,"a":2}')).toThrow(/duplicate key "a"/);
    expect(() => parseStrictJson('{"o":{"k":1,"k":1}}')).toThrow(/duplicate key "k"/);
    expect(() => parseStrictJson('{"\\u0061":1,"a":2}')).toThrow(/duplicate key "a"/); // same key, escaped
  });

  it('stores __proto__ as a plain key', () => {
    const map = parseStrictJson('{"__proto__":{"polluted":"yes"}}') as Map<string, unknown>;
    expect(map.has('__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a":01}', /expected/], ['{"a":1,}', /expected a string key/], ['[1,]', /unexpected character/],
    ['{"a" 1}', /expected ':'/], ['"abc', /unterminated/], ['"a\tb"', /control character/],
    ['"\\x"', /invalid escape/], ['"\\u12"', /invalid \\u escape/], ['"\\udc00"', /lone low surrogate/],
    ['"\\ud800x"', /lone high surrogate/], ['"\\ud800\\u0041"', /invalid surrogate pair/], ['tru', /unexpected character/],
    ['NaN', /unexpected character/], ['{"a":1} x', /unexpected text/], ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', /nesting/],
  ])('refuses %s', (text, message) => {
    expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
    expect(() => parseStrictJson(text)).toThrow(message);
  });

  it('parsePrefix stops right after the value', () => {
    expect(parseStrictJsonPrefix('{"a":[]}    ').end).toBe(8);
  });
});

describe('structure limits', () => {
  const limits = { maxDepth: 3, maxValues: 10, maxArrayLength: 3, maxObjectEntries: 2 };
  it.each([
    ['{"a":{"b":{"c":[1]}}}', /nesting deeper than 3 levels/],
    ['[1,2,3,4]', /an array longer than 3 elements/],
    ['{"a":1,"b":2,"c":3}', /an object with more than 2 keys/],
    ['[[1,2],[3,4],[5,6,7]]', /more than 10 values/],
  ])('%s is refused', (text, message) => {
    expect(() => parseStrictJson(text, limits)).toThrow(message);
  });

  it('decodes millions of escapes into one string, and still refuses lone surrogates', () => {
    const value = parseStrictJson(`"${'\\u0041'.repeat(1_000_000)}x"`) as string;
    expect(value.length).toBe(1_000_001);
    expect(value.startsWith('AAAA')).toBe(true);
    expect(() => parseStrictJson(`"${'\\u0041'.repeat(1000)}\\ud800"`)).toThrow(/lone high surrogate/);
    expect(parseStrictJson('"a\\\\"')).toBe('a\\');
  });
});
