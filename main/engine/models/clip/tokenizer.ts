// CLIP byte-level BPE tokenizer as Stable Diffusion 1.x uses it.
// Ref: openai/CLIP clip/simple_tokenizer.py (SimpleTokenizer: vocab construction, bpe, encode) and
// CompVis latent-diffusion ldm/modules/encoders/modules.py (FrozenCLIPEmbedder: 77 ids, padded with
// <|endoftext|>). Hugging Face folders (vocab.json + merges.txt) follow transformers' CLIPTokenizer,
// which reads the same merges with the same slice and so yields the same ids.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { EngineError } from '../../errors';
import { BYTE_CHARS_IN_VOCAB_ORDER, toByteChars } from './byte-encoder';
import { PY_REGEX_SPACE_CLASS } from './python-text';
import { cleanText } from './text-clean';

export const START = 49406;
export const END = 49407;
export const CONTEXT_LENGTH = 77;
/** Ids between the start and end token in one 77-id sequence. */
export const CHUNK_LENGTH = CONTEXT_LENGTH - 2;

const START_TEXT = '<|startoftext|>';
const END_TEXT = '<|endoftext|>';
const VOCAB_SIZE = 49408;
const END_OF_WORD = '</w>';
// `merges[1 : 49152-256-2+1]`: line 0 is a version header; the vocab keeps 48894 merges.
const MERGES_END = 49152 - 256 - 2 + 1;

// simple_tokenizer.py's `pat`, matched with the regex module's IGNORECASE on lower-cased text. Spelled out
// for JS: `\s` there is Unicode White_Space; after lower() the only character that case-folds onto the
// literals is U+017F (ſ ~ s), and the only one IGNORECASE keeps out of both `[\p{L}]` and the punctuation
// class is U+0345 (it folds to a letter but is not one): the reference drops it, so does this pattern.
// Digits are split one per token.
const WORD_PATTERN = new RegExp(
  `<\\|[sſ]tartoftext\\|>|<\\|endoftext\\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^${PY_REGEX_SPACE_CLASS}\\p{L}\\p{N}\\u0345]+`,
  'gu',
);

const gunzipAsync = promisify(gunzip);

type Merge = readonly [string, string];

function parseMerges(lines: readonly string[], source: string): Merge[] {
  return lines.slice(1, MERGES_END).map((line, i) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) {
      throw new EngineError('model-corrupt', `The tokenizer merges in ${source} are damaged (line ${i + 2}).`);
    }
    return [parts[0]!, parts[1]!] as const;
  });
}

export class ClipTokenizer {
  private readonly encoder: ReadonlyMap<string, number>;
  private readonly bpeRanks = new Map<string, number>();
  // Unbounded, like the reference: it only grows with the distinct words a user types.
  private readonly cache = new Map<string, readonly string[]>([[START_TEXT, [START_TEXT]], [END_TEXT, [END_TEXT]]]);

  private constructor(encoder: ReadonlyMap<string, number>, merges: readonly Merge[], source: string) {
    this.encoder = encoder;
    merges.forEach(([a, b], rank) => this.bpeRanks.set(`${a} ${b}`, rank));
    // Every piece BPE can emit (a byte character, with or without </w>, or a merge result) needs an id.
    const pieces = [...BYTE_CHARS_IN_VOCAB_ORDER, ...BYTE_CHARS_IN_VOCAB_ORDER.map((c) => c + END_OF_WORD),
      ...merges.map(([a, b]) => a + b)];
    const missing = pieces.find((piece) => !encoder.has(piece));
    if (missing !== undefined || encoder.get(START_TEXT) !== START || encoder.get(END_TEXT) !== END) {
      throw new EngineError('model-unsupported',
        `The tokenizer in ${source} is not the CLIP vocabulary Stable Diffusion 1.x uses.`,
        missing !== undefined ? `no id for merge result ${JSON.stringify(missing)}` : 'special token ids differ');
    }
  }

  /** Load OpenAI's `bpe_simple_vocab_16e6.txt.gz` (shipped in resources/clip-bpe/). */
  static async fromBpeGz(path: string): Promise<ClipTokenizer> {
    let text: string;
    try {
      text = (await gunzipAsync(await readFile(path))).toString('utf8');
    } catch (err) {
      throw new EngineError('internal',
        `The bundled CLIP vocabulary ${path} is missing or damaged. Reinstall DaTo Studio.`, String(err));
    }
    const merges = parseMerges(text.split('\n'), path);
    // Vocab order: the 256 byte characters, the same with </w>, one entry per merge, the two specials.
    const vocab = [...BYTE_CHARS_IN_VOCAB_ORDER, ...BYTE_CHARS_IN_VOCAB_ORDER.map((c) => c + END_OF_WORD),
      ...merges.map(([a, b]) => a + b), START_TEXT, END_TEXT];
    if (vocab.length !== VOCAB_SIZE) {
      throw new EngineError('internal', `The bundled CLIP vocabulary ${path} is damaged. Reinstall DaTo Studio.`,
        `vocab size ${vocab.length}, expected ${VOCAB_SIZE}`);
    }
    return new ClipTokenizer(new Map(vocab.map((piece, id) => [piece, id])), merges, path);
  }

  /** Load a Hugging Face tokenizer folder (`vocab.json` + `merges.txt`), e.g. a diffusers model's `tokenizer/`. */
  static async fromHfFolder(dir: string): Promise<ClipTokenizer> {
    let vocabJson: unknown;
    let mergesText: string;
    try {
      vocabJson = JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8'));
      mergesText = await readFile(join(dir, 'merges.txt'), 'utf8');
    } catch (err) {
      throw new EngineError('model-corrupt',
        `The tokenizer folder ${dir} needs readable vocab.json and merges.txt files.`, String(err));
    }
    const entries = typeof vocabJson === 'object' && vocabJson !== null ? Object.entries(vocabJson) : [];
    if (entries.length === 0 || entries.some(([, id]) => !Number.isInteger(id))) {
      throw new EngineError('model-corrupt', `${join(dir, 'vocab.json')} is not a token-to-id table.`);
    }
    // transformers CLIPTokenizer: merges_handle.read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]
    const merges = parseMerges(mergesText.trim().split('\n'), join(dir, 'merges.txt'));
    return new ClipTokenizer(new Map(entries as [string, number][]), merges, dir);
  }

  /** Id of a vocabulary entry (e.g. `',</w>'`), if it exists. */
  tokenId(piece: string): number | undefined {
    return this.encoder.get(piece);
  }

  /** BPE ids of a prompt, without start/end tokens and without truncation (`SimpleTokenizer.encode`). */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanText(text).matchAll(WORD_PATTERN)) {
      for (const piece of this.bpe(toByteChars(match[0]))) {
        const id = this.encoder.get(piece);
        // The constructor checked that every piece BPE can produce has an id.
        if (id === undefined) throw new EngineError('internal', `Internal error: no token id for ${piece}`);
        ids.push(id);
      }
    }
    return ids;
  }

  /** The 77 ids SD 1.x feeds its text encoder: `[START] + ids[:75] + [END]`, padded with END. */
  encodeSd1(text: string): Int32Array {
    const ids = new Int32Array(CONTEXT_LENGTH).fill(END);
    ids[0] = START;
    ids.set(this.encode(text).slice(0, CHUNK_LENGTH), 1);
    return ids;
  }

  /** Byte-level BPE of one word (already mapped to byte characters): `SimpleTokenizer.bpe`. */
  private bpe(token: string): readonly string[] {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    const chars = Array.from(token);
    let word = [...chars.slice(0, -1), chars[chars.length - 1]! + END_OF_WORD];
    if (word.length === 1) return word; // the reference returns early here, without caching
    for (;;) {
      // The adjacent pair with the lowest merge rank (ranks are unique, so no ties).
      let bestRank = Infinity;
      let best = -1;
      for (let i = 0; i + 1 < word.length; i++) {
        const rank = this.bpeRanks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) { bestRank = rank; best = i; }
      }
      if (best < 0) break;
      const first = word[best]!;
      const second = word[best + 1]!;
      // Merge every occurrence, scanning left to right, as the reference's index() loop does.
      const merged: string[] = [];
      for (let i = 0; i < word.length;) {
        if (word[i] === first && word[i + 1] === second && i + 1 < word.length) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(word[i]!);
          i += 1;
        }
      }
      word = merged;
      if (word.length === 1) break;
    }
    this.cache.set(token, word);
    return word;
  }
}
