// Prompt and negative prompt → the UNet's cross-attention context, A1111-style: weighted chunks of 75
// tokens each encoded as 77 ids, emphasis applied per chunk, chunks concatenated along the token axis;
// both prompts padded to the same number of chunks. A plain prompt takes the exact reference path
// (one chunk, no emphasis arithmetic), so its context is bit-identical to ldm's.
import { EngineError } from '../errors';
import { applyEmphasis, encodePromptChunks, padChunkCount, type PromptChunks } from '../models/clip/prompt-chunks';
import { END, type ClipTokenizer } from '../models/clip/tokenizer';
import type { TextualInversion } from '../models/clip/textual-inversion';
import type { Injection } from './model-runtime';

/** Runs the text encoder on `chunks` rows of 77 ids → [chunks, 77, width], with embedding vectors injected. */
export type TextEncoderFn = (ids: BigInt64Array, chunks: number, injection?: Injection) => Promise<Float32Array>;

export interface Conditioning {
  /** [2·images, contextLength, width]: uncond rows first, then cond rows. */
  readonly context: Float32Array;
  readonly contextLength: number;
  readonly chunks: number;
}

async function encodeChunks(encode: TextEncoderFn, p: PromptChunks, width: number): Promise<Float32Array> {
  const n = p.chunks.length;
  const ids = new BigInt64Array(n * 77);
  p.chunks.forEach((c, i) => c.ids.forEach((id, j) => { ids[i * 77 + j] = BigInt(id); }));
  const hidden = await encode(ids, n, injectionOf(p, width));
  if (p.isPlain) return hidden;
  const out = new Float32Array(hidden.length);
  p.chunks.forEach((c, i) => {
    out.set(applyEmphasis(hidden.subarray(i * 77 * width, (i + 1) * 77 * width), 77, width, c.weights), i * 77 * width);
  });
  return out;
}

/**
 * Chunks of 75 tokens one prompt may take (1,800 tokens). Characters alone do not bound this: an emoji is
 * several byte-level tokens, and a context of hundreds of chunks crashed onnxruntime.
 */
export const MAX_PROMPT_CHUNKS = 24;

function checkChunkCount(p: PromptChunks, what: string): void {
  if (p.chunks.length <= MAX_PROMPT_CHUNKS) return;
  throw new EngineError('invalid-parameters',
    `The ${what} is too long: it needs ${p.chunks.length} chunks of 75 tokens; at most ${MAX_PROMPT_CHUNKS} (${MAX_PROMPT_CHUNKS * 75} tokens) are accepted.`);
}

/** The embedding vectors of every chunk at their token positions (after START), or undefined when none. */
function injectionOf(p: PromptChunks, width: number): Injection | undefined {
  if (p.chunks.every((c) => c.fixes.length === 0)) return undefined;
  const vectors = new Float32Array(p.chunks.length * 77 * width);
  const mask = new Uint8Array(p.chunks.length * 77);
  p.chunks.forEach((c, i) => {
    for (const { offset, embedding } of c.fixes) {
      for (let v = 0; v < embedding.count; v++) {
        const position = i * 77 + 1 + offset + v;
        vectors.set(embedding.vectors.subarray(v * width, (v + 1) * width), position * width);
        mask[position] = 1;
      }
    }
  });
  return { vectors, mask };
}

export async function encodeConditioning(
  tokenizer: ClipTokenizer, encode: TextEncoderFn, width: number, prompt: string, negative: string, images: number,
  padId = END, embeddings: readonly TextualInversion[] = [],
): Promise<Conditioning> {
  const negativeChunks = encodePromptChunks(tokenizer, negative, padId, embeddings);
  const promptChunks = encodePromptChunks(tokenizer, prompt, padId, embeddings);
  checkChunkCount(promptChunks, 'prompt');
  checkChunkCount(negativeChunks, 'negative prompt');
  const [uncond, cond] = padChunkCount(negativeChunks, promptChunks, padId);
  const [u, c] = [await encodeChunks(encode, uncond, width), await encodeChunks(encode, cond, width)];
  const row = u.length; // chunks·77·width
  const context = new Float32Array(2 * images * row);
  for (let i = 0; i < images; i++) {
    context.set(u, i * row);
    context.set(c, (images + i) * row);
  }
  return { context, contextLength: cond.chunks.length * 77, chunks: cond.chunks.length };
}
