// AUTOMATIC1111's prompt emphasis syntax, ported as is so prompts copied from that UI (and from PNG
// `parameters` chunks it wrote) mean the same here.
// Ref: AUTOMATIC1111/stable-diffusion-webui modules/prompt_parser.py (re_attention, re_break,
// parse_prompt_attention).
//
//   (abc)      weight x1.1          [abc]   weight /1.1         (abc:1.3)  weight x1.3
//   \( \) \[ \] \\                  literal ( ) [ ] \
//   BREAK      (a whole word)       starts a new 75-token chunk (a segment of weight -1)
// Brackets nest (weights multiply); an unclosed bracket applies to the rest of the prompt; a closing
// bracket without an opening one is plain text. Adjacent segments of equal weight are merged.

import { EngineError } from '../../errors';
import { PY_ISSPACE_CLASS, PY_WORD_CLASS } from './python-text';

export interface WeightedText {
  text: string;
  weight: number;
}

/** The weight A1111 gives a BREAK segment; a BREAK inside brackets gets multiplied and becomes text. */
export const BREAK_WEIGHT = -1;

const ROUND_BRACKET_MULTIPLIER = 1.1;
const SQUARE_BRACKET_MULTIPLIER = 1 / 1.1;

// re_attention, alternative by alternative. It is compiled with Python's stdlib `re`, so `\s` is
// str.isspace() and `\d` any Unicode decimal digit (float() accepts those too).
const S = `[${PY_ISSPACE_CLASS}]`;
const ATTENTION = new RegExp([
  '\\\\\\(', '\\\\\\)', '\\\\\\[', '\\\\\\]', '\\\\\\\\', '\\\\', '\\(', '\\[',
  `:${S}*([+-]?[.\\p{Nd}]+)${S}*\\)`,
  '\\)', '\\]', '[^\\\\()\\[\\]:]+', ':',
].join('|'), 'gu');

// re_break = r"\s*\bBREAK\b\s*"; Python's `\b` knows Unicode word characters, JS's only ASCII ones.
const BREAK = new RegExp(`${S}*(?<![${PY_WORD_CLASS}])BREAK(?![${PY_WORD_CLASS}])${S}*`, 'u');

const DECIMAL_DIGIT = /\p{Nd}/u;

/** Python's float() on `[+-]?[.\d]+`: Unicode digits count (Nd digits come in runs of ten from 0 to 9). */
function parseWeight(literal: string, match: string): number {
  const ascii = literal.replace(/\p{Nd}/gu, (digit) => {
    const cp = digit.codePointAt(0)!;
    let runStart = cp;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(runStart - 1))) runStart--;
    return String((cp - runStart) % 10);
  });
  const weight = Number(ascii);
  if (Number.isNaN(weight)) {
    // A1111 fails the same way (float() raises); say where, so the user can fix it.
    throw new EngineError('invalid-parameters',
      `The prompt has an attention weight that is not a number: "${match}". Write it like (word:1.2).`);
  }
  return weight;
}

/** Split a prompt into text segments with their attention weights (`parse_prompt_attention`). */
export function parsePromptAttention(prompt: string): WeightedText[] {
  const res: WeightedText[] = [];
  const roundBrackets: number[] = [];
  const squareBrackets: number[] = [];
  const multiplyRange = (start: number, multiplier: number): void => {
    for (let p = start; p < res.length; p++) res[p]!.weight *= multiplier;
  };

  for (const match of prompt.matchAll(ATTENTION)) {
    const text = match[0];
    const weight = match[1];
    if (text.startsWith('\\')) {
      res.push({ text: text.slice(1), weight: 1 });
    } else if (text === '(') {
      roundBrackets.push(res.length);
    } else if (text === '[') {
      squareBrackets.push(res.length);
    } else if (weight !== undefined && roundBrackets.length > 0) {
      multiplyRange(roundBrackets.pop()!, parseWeight(weight, text));
    } else if (text === ')' && roundBrackets.length > 0) {
      multiplyRange(roundBrackets.pop()!, ROUND_BRACKET_MULTIPLIER);
    } else if (text === ']' && squareBrackets.length > 0) {
      multiplyRange(squareBrackets.pop()!, SQUARE_BRACKET_MULTIPLIER);
    } else {
      text.split(BREAK).forEach((part, i) => {
        if (i > 0) res.push({ text: 'BREAK', weight: BREAK_WEIGHT });
        res.push({ text: part, weight: 1 });
      });
    }
  }

  for (const pos of roundBrackets) multiplyRange(pos, ROUND_BRACKET_MULTIPLIER);
  for (const pos of squareBrackets) multiplyRange(pos, SQUARE_BRACKET_MULTIPLIER);

  if (res.length === 0) return [{ text: '', weight: 1 }];

  // Merge runs of identical weights.
  for (let i = 0; i + 1 < res.length;) {
    if (res[i]!.weight === res[i + 1]!.weight) {
      res[i]!.text += res[i + 1]!.text;
      res.splice(i + 1, 1);
    } else {
      i++;
    }
  }
  return res;
}
