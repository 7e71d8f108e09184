// The first cases are the doctests of parse_prompt_attention in AUTOMATIC1111's modules/prompt_parser.py.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../../main/engine/errors';
import { parsePromptAttention } from '../../../../../main/engine/models/clip/prompt-attention';

const parse = (prompt: string): [string, number][] => parsePromptAttention(prompt).map((s) => [s.text, s.weight]);

describe('parsePromptAttention: A1111 doctests', () => {
  it('plain text', () => {
    expect(parse('normal text')).toEqual([['normal text', 1.0]]);
  });
  it('round brackets x1.1', () => {
    expect(parse('an (important) word')).toEqual([['an ', 1.0], ['important', 1.1], [' word', 1.0]]);
  });
  it('an unbalanced bracket applies to the rest', () => {
    expect(parse('(unbalanced')).toEqual([['unbalanced', 1.1]]);
  });
  it('escapes', () => {
    expect(parse('\\(literal\\]')).toEqual([['(literal]', 1.0]]);
  });
  it('merges equal weights', () => {
    expect(parse('(unnecessary)(parens)')).toEqual([['unnecessaryparens', 1.1]]);
  });
  it('nesting, explicit weights, square brackets', () => {
    // Exact doubles, as Python prints them: the multiplications happen in the same order.
    expect(parse('a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).')).toEqual([
      ['a ', 1.0],
      ['house', 1.5730000000000004],
      [' ', 1.1],
      ['on', 1.0],
      [' a ', 1.1],
      ['hill', 0.55],
      [', sun, ', 1.1],
      ['sky', 1.4641000000000006],
      ['.', 1.1],
    ]);
  });
});

describe('parsePromptAttention: more cases', () => {
  it('explicit weight and square brackets', () => {
    expect(parse('a (very beautiful:1.5) [house]')).toEqual([['a ', 1], ['very beautiful', 1.5], [' ', 1], ['house', 1 / 1.1]]);
  });
  it('nested brackets multiply', () => {
    expect(parse('((a))')).toEqual([['a', 1.1 * 1.1]]);
    expect(parse('[[a]]')).toEqual([['a', (1 / 1.1) * (1 / 1.1)]]);
    expect(parse('([a])')).toEqual([['a', (1 / 1.1) * 1.1]]);
  });
  it('weights with spaces, signs, leading dot, Unicode digits', () => {
    expect(parse('(x: 1.2 )')).toEqual([['x', 1.2]]);
    expect(parse('(x:-1)')).toEqual([['x', -1]]);
    expect(parse('(x:.5)')).toEqual([['x', 0.5]]);
    expect(parse('(x:0)')).toEqual([['x', 0]]);
    expect(parse('(x:１.５)')).toEqual([['x', 1.5]]); // full-width digits, which Python's float() accepts
  });
  it('stray closing brackets and colons are text', () => {
    expect(parse('a) b] c:d')).toEqual([['a) b] c:d', 1]]);
    expect(parse('word:1.2)')).toEqual([['word:1.2)', 1]]);
  });
  it('backslashes', () => {
    expect(parse('a\\\\b')).toEqual([['a\\b', 1]]); // \\ -> one backslash
    expect(parse('a\\b')).toEqual([['ab', 1]]); // a lone backslash is dropped
  });
  it('empty prompt and empty brackets', () => {
    expect(parse('')).toEqual([['', 1]]);
    expect(parse('()')).toEqual([['', 1]]);
  });
  it('an invalid weight is a user error', () => {
    expect(() => parse('(x:1.2.3)')).toThrow(EngineError);
    expect(() => parse('(x:.)')).toThrow(/not a number/);
  });
});

describe('parsePromptAttention: BREAK', () => {
  it('is a separate segment of weight -1, eating the spaces around it', () => {
    expect(parse('a cat BREAK a dog')).toEqual([['a cat', 1], ['BREAK', -1], ['a dog', 1]]);
  });
  it('only as a whole word (Python \\b, Unicode-aware)', () => {
    expect(parse('aBREAK b')).toEqual([['aBREAK b', 1]]);
    expect(parse('BREAK_x')).toEqual([['BREAK_x', 1]]);
    expect(parse('éBREAK')).toEqual([['éBREAK', 1]]);
    expect(parse('break')).toEqual([['break', 1]]);
  });
  it('at the ends leaves empty segments', () => {
    expect(parse('BREAK')).toEqual([['', 1], ['BREAK', -1], ['', 1]]);
  });
  it('inside brackets gets multiplied (A1111 then treats it as text)', () => {
    expect(parse('(a BREAK b)')).toEqual([['a', 1.1], ['BREAK', -1.1], ['b', 1.1]]);
  });
  it('inside weighted text splits it', () => {
    expect(parse('x (a:1.2) BREAK (b)')).toEqual([['x ', 1], ['a', 1.2], ['', 1], ['BREAK', -1], ['', 1], ['b', 1.1]]);
  });
});
