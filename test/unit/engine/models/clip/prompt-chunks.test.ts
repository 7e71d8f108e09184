import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyEmphasis, emptyChunk, encodePromptChunks, padChunkCount, type PromptChunk,
} from '../../../../../main/engine/models/clip/prompt-chunks';
import { ClipTokenizer, END, START } from '../../../../../main/engine/models/clip/tokenizer';
import { clipBpePath } from '../../../../helpers/paths';

const CAT = 2368; // 'cat</w>'
const DOG = 1929; // 'dog</w>'
const COMMA = 267; // ',</w>'

let tokenizer: ClipTokenizer;
beforeAll(async () => { tokenizer = await ClipTokenizer.fromBpeGz(clipBpePath); });

const words = (word: string, n: number): string => new Array<string>(n).fill(word).join(' ');

/** The tokens between START and the END padding, and their weights. */
function content(chunk: PromptChunk): { tokens: number[]; weights: number[] } {
  expect(chunk.ids.length).toBe(77);
  expect(chunk.weights.length).toBe(77);
  expect(chunk.ids[0]).toBe(START);
  expect(chunk.ids[76]).toBe(END);
  let n = 75;
  while (n > 0 && chunk.ids[n] === END) n--;
  // Start, end and padding carry weight 1.
  expect(chunk.weights[0]).toBe(1);
  for (let i = n + 1; i < 77; i++) expect(chunk.weights[i]).toBe(1);
  return { tokens: Array.from(chunk.ids.slice(1, n + 1)), weights: Array.from(chunk.weights.slice(1, n + 1)) };
}

describe('encodePromptChunks', () => {
  it('a plain prompt is one chunk equal to encodeSd1, all weights 1', () => {
    for (const prompt of ['', 'a photo of an astronaut riding a horse on mars', 'a ) b: c', words('cat', 75)]) {
      const { chunks, isPlain } = encodePromptChunks(tokenizer, prompt);
      expect(isPlain).toBe(true);
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.ids).toEqual(tokenizer.encodeSd1(prompt));
      expect(Array.from(chunks[0]!.weights).every((w) => w === 1)).toBe(true);
    }
  });

  it('a prompt of ~200 tokens becomes 3 chunks of 75 + 75 + 50', () => {
    const { chunks, isPlain } = encodePromptChunks(tokenizer, words('cat', 200));
    expect(isPlain).toBe(false);
    expect(chunks.map((c) => content(c).tokens.length)).toEqual([75, 75, 50]);
    expect(chunks.every((c) => content(c).tokens.every((t) => t === CAT))).toBe(true);
  });

  it('76 tokens: not plain, the second chunk holds the last token', () => {
    const { chunks, isPlain } = encodePromptChunks(tokenizer, words('cat', 76));
    expect(isPlain).toBe(false);
    expect(chunks.map((c) => content(c).tokens.length)).toEqual([75, 1]);
    expect(chunks[0]!.ids).toEqual(tokenizer.encodeSd1(words('cat', 76)));
  });

  it('BREAK starts a new chunk', () => {
    const { chunks, isPlain } = encodePromptChunks(tokenizer, 'a cat BREAK a dog');
    expect(isPlain).toBe(false);
    expect(chunks.map((c) => content(c).tokens)).toEqual([[320, CAT], [320, DOG]]);
  });

  it('BREAK right after a full chunk does not add an empty chunk', () => {
    const { chunks } = encodePromptChunks(tokenizer, `${words('cat', 75)} BREAK dog`);
    expect(chunks.map((c) => content(c).tokens.length)).toEqual([75, 1]);
    expect(content(chunks[1]!).tokens).toEqual([DOG]);
  });

  it('BREAK inside brackets is text, as in A1111', () => {
    const { chunks } = encodePromptChunks(tokenizer, '(cat BREAK dog)');
    expect(chunks).toHaveLength(1);
    const { tokens, weights } = content(chunks[0]!);
    expect(tokens).toEqual([CAT, tokenizer.encode('break')[0], DOG]);
    expect(weights).toEqual([1.1, -1.1, 1.1].map(Math.fround));
  });

  it('moves the words after a nearby comma to the next chunk (comma_padding_backtrack = 20)', () => {
    // 70 cats, a comma at position 70, then 10 dogs: the chunk is full after 4 dogs, the comma is 5 back.
    const { chunks } = encodePromptChunks(tokenizer, `${words('cat', 70)}, ${words('dog', 10)}`);
    const [first, second] = chunks.map((c) => content(c).tokens);
    expect(chunks).toHaveLength(2);
    expect(first).toEqual([...new Array<number>(70).fill(CAT), COMMA]);
    expect(second).toEqual(new Array<number>(10).fill(DOG));
  });

  it('splits at 75 when the last comma is more than 20 tokens back', () => {
    const { chunks } = encodePromptChunks(tokenizer, `${words('cat', 50)}, ${words('dog', 30)}`);
    const [first, second] = chunks.map((c) => content(c).tokens);
    expect(first).toEqual([...new Array<number>(50).fill(CAT), COMMA, ...new Array<number>(24).fill(DOG)]);
    expect(second).toEqual(new Array<number>(6).fill(DOG));
  });

  it('carries the emphasis weights per token', () => {
    const { chunks, isPlain } = encodePromptChunks(tokenizer, 'a (cat:1.5) [dog], \\(x\\)');
    expect(isPlain).toBe(false);
    const { tokens, weights } = content(chunks[0]!);
    expect(tokens).toEqual([320, CAT, DOG, ...tokenizer.encode(', (x)')]);
    expect(weights).toEqual([1, 1.5, Math.fround(1 / 1.1), 1, 1, 1, 1]);
  });
});

describe('padChunkCount', () => {
  it('appends empty-prompt chunks to the shorter side', () => {
    const short = encodePromptChunks(tokenizer, 'cat');
    const long = encodePromptChunks(tokenizer, words('cat', 200));
    const [a, b] = padChunkCount(short, long);
    expect(b).toBe(long);
    expect(a.chunks).toHaveLength(3);
    expect(a.isPlain).toBe(false);
    expect(a.chunks[0]).toBe(short.chunks[0]);
    for (const chunk of a.chunks.slice(1)) {
      expect(chunk.ids).toEqual(tokenizer.encodeSd1(''));
      expect(chunk.weights).toEqual(new Float32Array(77).fill(1));
    }
    expect(emptyChunk().ids).toEqual(tokenizer.encodeSd1(''));
  });

  it('leaves equal counts alone', () => {
    const p = encodePromptChunks(tokenizer, 'cat');
    const q = encodePromptChunks(tokenizer, '');
    const [a, b] = padChunkCount(p, q);
    expect(a).toBe(p);
    expect(b).toBe(q);
    expect(a.isPlain && b.isPlain).toBe(true);
  });
});

describe('applyEmphasis', () => {
  it('is the identity when every weight is 1', () => {
    const hidden = Float32Array.from({ length: 77 * 8 }, (_, i) => Math.sin(i * 0.37) * 3 + 0.1);
    expect(applyEmphasis(hidden, 77, 8, new Float32Array(77).fill(1))).toEqual(hidden);
  });

  it('scales each token by its weight, then restores the mean', () => {
    // 3 tokens × 2 channels; mean 3.5; weighted [1,2, 6,8, 5,6] has mean 28/6, so the rescale is 0.75.
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const out = applyEmphasis(hidden, 3, 2, Float32Array.from([1, 2, 1]));
    const expected = [0.75, 1.5, 4.5, 6, 3.75, 4.5];
    const maxErr = Math.max(...expected.map((e, i) => Math.abs(out[i]! - e)));
    console.log(`applyEmphasis max abs error vs hand computation: ${maxErr.toExponential(2)}`);
    expect(maxErr).toBeLessThan(1e-6);
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    expect(Math.abs(mean - 3.5)).toBeLessThan(1e-6);
    expect(hidden).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6])); // input untouched
  });

  it('rejects mismatched shapes', () => {
    expect(() => applyEmphasis(new Float32Array(6), 3, 3, new Float32Array(3))).toThrow(RangeError);
    expect(() => applyEmphasis(new Float32Array(6), 3, 2, new Float32Array(2))).toThrow(RangeError);
  });
});

describe('pad id (SD 2.x open_clip pads with 0)', () => {
  it('fills after the end token with the pad id, in every chunk and in padding chunks', () => {
    const long = Array.from({ length: 90 }, (_, i) => `word${i % 7}`).join(' ');
    const [neg, pos] = padChunkCount(encodePromptChunks(tokenizer, 'a cat', 0), encodePromptChunks(tokenizer, long, 0), 0);
    expect(pos.chunks.length).toBe(neg.chunks.length);
    for (const chunk of [...pos.chunks, ...neg.chunks]) {
      const end = chunk.ids.indexOf(END);
      expect(chunk.ids[0]).toBe(START);
      expect(Array.from(chunk.ids.subarray(end + 1)).every((id) => id === 0)).toBe(true);
    }
    // with the SD 1.x default nothing changes: padded with the end token
    expect(Array.from(encodePromptChunks(tokenizer, 'a cat').chunks[0]!.ids.subarray(4)).every((id) => id === END)).toBe(true);
  });
});
