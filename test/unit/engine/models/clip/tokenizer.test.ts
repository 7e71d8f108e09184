// Expected ids come from OpenAI's clip/simple_tokenizer.py (ftfy = identity) run on the same vocab file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../../main/engine/errors';
import { BYTE_CHARS_IN_VOCAB_ORDER } from '../../../../../main/engine/models/clip/byte-encoder';
import { cleanText } from '../../../../../main/engine/models/clip/text-clean';
import { ClipTokenizer, CONTEXT_LENGTH, END, START } from '../../../../../main/engine/models/clip/tokenizer';
import { clipBpePath } from '../../../../helpers/paths';

let tokenizer: ClipTokenizer;
beforeAll(async () => { tokenizer = await ClipTokenizer.fromBpeGz(clipBpePath); });

describe('cleanText', () => {
  it('collapses whitespace runs (Unicode White_Space) and strips', () => {
    expect(cleanText('  a\t\tphoto\n\nof\u3000a\u00a0cat \u2003')).toBe('a photo of a cat');
  });
  it('lower-cases', () => {
    expect(cleanText('A Photo Of MARS')).toBe('a photo of mars');
  });
  it('unescapes HTML entities twice, like html.unescape(html.unescape(t))', () => {
    expect(cleanText('Tom &amp; Jerry')).toBe('tom & jerry');
    expect(cleanText('a&amp;amp;b')).toBe('a&b');
    expect(cleanText('caf&eacute; &#233; &#xE9; &lt;3')).toBe('café é é <3');
    expect(cleanText('&nbsp;x&nbsp;')).toBe('x');
  });
  it('keeps Python whitespace semantics: U+FEFF is not space, U+0085 is', () => {
    expect(cleanText('a\ufeffb')).toBe('a\ufeffb');
    expect(cleanText('a\u0085b')).toBe('a b');
  });
});

describe('ClipTokenizer.encode', () => {
  it('has the SD1 special ids', () => {
    expect([START, END, CONTEXT_LENGTH]).toEqual([49406, 49407, 77]);
    expect(tokenizer.tokenId('<|startoftext|>')).toBe(START);
    expect(tokenizer.tokenId('<|endoftext|>')).toBe(END);
  });
  it('byte-level BPE of single words', () => {
    expect(tokenizer.encode('cat')).toEqual([2368]);
    expect(tokenizer.encode('Cat')).toEqual([2368]);
    expect(tokenizer.encode('hello world')).toEqual([3306, 1002]);
    expect(tokenizer.encode('tokenization')).toEqual([32634, 10847]);
    expect(tokenizer.encode('supercalifragilisticexpialidocious'))
      .toEqual([1642, 2857, 13093, 2076, 5868, 26850, 835, 639, 38466]);
  });
  it('splits contractions, punctuation and single digits', () => {
    expect(tokenizer.encode("it's")).toEqual([585, 568]);
    expect(tokenizer.encode('2024')).toEqual([273, 271, 273, 275]);
    expect(tokenizer.encode('cat, dog')).toEqual([2368, 267, 1929]);
  });
  it('encodes non-ASCII through UTF-8 bytes', () => {
    expect(tokenizer.encode('&#233;')).toEqual([4166]);
    expect(tokenizer.encode('emoji 🎉')).toEqual([16327, 3986]);
    expect(tokenizer.encode('ﬁsh')).toEqual([171, 105, 223, 849]); // ftfy would have fixed the ligature
  });
  it('maps the special token texts to their ids', () => {
    expect(tokenizer.encode('a<|endoftext|>b')).toEqual([320, END, 321]);
    expect(tokenizer.encode('<|startoftext|>')).toEqual([START]);
  });
  it('reproduces the reference quirks of the IGNORECASE pattern', () => {
    expect(tokenizer.encode("x'\u017f")).toEqual([343, 6, 129, 379]); // ſ matches 's
    expect(tokenizer.encode('a\u0345b')).toEqual([320, 321]); // U+0345 matches no alternative
  });
});

describe('ClipTokenizer.encodeSd1', () => {
  it('pads the empty prompt with END', () => {
    const ids = tokenizer.encodeSd1('');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([START, ...new Array<number>(76).fill(END)]);
  });
  it('wraps and pads a short prompt', () => {
    expect(Array.from(tokenizer.encodeSd1('cat, dog').slice(0, 6))).toEqual([START, 2368, 267, 1929, END, END]);
  });
  it('truncates to 75 tokens and always ends with END', () => {
    const ids = tokenizer.encodeSd1(new Array(100).fill('cat').join(' '));
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(START);
    expect(Array.from(ids.slice(1, 76)).every((id) => id === 2368)).toBe(true);
    expect(ids[76]).toBe(END);
  });
});

describe('ClipTokenizer.fromHfFolder', () => {
  let dir: string;
  beforeAll(async () => {
    // A Hugging Face tokenizer folder with the same vocabulary: vocab.json in the gz order, merges.txt
    // with the version header and the same merge lines.
    dir = await mkdtemp(join(tmpdir(), 'clip-hf-'));
    const lines = gunzipSync(readFileSync(clipBpePath)).toString('utf8').split('\n').slice(1, 48895);
    const merges = lines.map((l) => l.split(' ').join(''));
    const vocab = [...BYTE_CHARS_IN_VOCAB_ORDER, ...BYTE_CHARS_IN_VOCAB_ORDER.map((c) => `${c}</w>`), ...merges,
      '<|startoftext|>', '<|endoftext|>'];
    // Keys in reverse order: only the ids in the file may matter, not the order of its entries.
    await writeFile(join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(vocab.map((p, i) => [p, i]).reverse())));
    await writeFile(join(dir, 'merges.txt'), `#version: 0.2\n${lines.join('\n')}\n`);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('gives the same ids as the gz vocab', async () => {
    const hf = await ClipTokenizer.fromHfFolder(dir);
    for (const text of ['a photo of an astronaut riding a horse on mars', 'café crème brûlée', '東京の夜景 🎉',
      "it's 2024, (ultra detailed:1.2) <|endoftext|>", new Array(90).fill('tokenization').join(' ')]) {
      expect(hf.encode(text)).toEqual(tokenizer.encode(text));
      expect(hf.encodeSd1(text)).toEqual(tokenizer.encodeSd1(text));
    }
  });

  it('refuses a folder without the files, with an EngineError', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'clip-hf-empty-'));
    try {
      await expect(ClipTokenizer.fromHfFolder(empty)).rejects.toMatchObject({ code: 'model-corrupt' });
      await expect(ClipTokenizer.fromHfFolder(empty)).rejects.toBeInstanceOf(EngineError);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses a vocabulary whose special tokens have other ids', async () => {
    const other = await mkdtemp(join(tmpdir(), 'clip-hf-other-'));
    try {
      const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
      vocab['<|startoftext|>'] = 5;
      await writeFile(join(other, 'vocab.json'), JSON.stringify(vocab));
      await writeFile(join(other, 'merges.txt'), readFileSync(join(dir, 'merges.txt')));
      await expect(ClipTokenizer.fromHfFolder(other)).rejects.toMatchObject({ code: 'model-unsupported' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
