import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TERMS, toFtsMatchExpression } from '../../../main/db/fts-query';

describe('toFtsMatchExpression', () => {
  it('quotes every term as a prefix string, limited to the prompt column by default', () => {
    expect(toFtsMatchExpression('red car')).toBe('prompt : ("red"* "car"*)');
    expect(toFtsMatchExpression('  red\tcar \n', 'prompt-and-negative')).toBe('"red"* "car"*');
  });

  it('escapes double quotes by doubling them; operators and syntax stay inside strings', () => {
    expect(toFtsMatchExpression('say "hi"', 'prompt-and-negative')).toBe('"say"* """hi"""*');
    expect(toFtsMatchExpression('a OR NOT b', 'prompt-and-negative')).toBe('"a"* "OR"* "NOT"* "b"*');
    expect(toFtsMatchExpression('prompt:x NEAR(y)', 'prompt-and-negative')).toBe('"prompt:x"* "NEAR(y)"*');
  });

  it('drops terms with nothing to match, and returns null when nothing is left', () => {
    expect(toFtsMatchExpression('*** cat -- ^')).toBe('prompt : ("cat"*)');
    expect(toFtsMatchExpression('* " : ()')).toBeNull();
    expect(toFtsMatchExpression('')).toBeNull();
  });

  it('bounds the number and length of terms', () => {
    const many = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    expect(toFtsMatchExpression(many, 'prompt-and-negative')!.split(' ')).toHaveLength(MAX_SEARCH_TERMS);
    expect(toFtsMatchExpression('x'.repeat(1000), 'prompt-and-negative')).toBe(`"${'x'.repeat(64)}"*`);
  });

  it('normalises compatibility characters (NFKC)', () => {
    expect(toFtsMatchExpression('ｃａｔ', 'prompt-and-negative')).toBe('"cat"*');
  });
});
