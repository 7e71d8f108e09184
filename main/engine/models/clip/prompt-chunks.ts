// Prompts longer than 75 tokens and weighted prompts, the way AUTOMATIC1111 feeds them to SD 1.x: the
// prompt is cut into chunks of 75 tokens, each encoded on its own as 77 ids, and the text encoder outputs
// are concatenated along the token axis (77·k context tokens); each token carries its emphasis weight.
// Ref: AUTOMATIC1111/stable-diffusion-webui modules/sd_hijack_clip.py
// (FrozenCLIPEmbedderWithCustomWordsBase: tokenize_line, empty_chunk, process_tokens) and
// modules/sd_emphasis.py (EmphasisOriginal). Textual-inversion embeddings occupy one token position per
// vector (placeholder id 0, the vectors recorded as the chunk's `fixes`), and every segment is tokenized
// with ClipTokenizer.encode (OpenAI's cleaning), so plain prompts give exactly the reference ids.

import { parsePromptAttention, BREAK_WEIGHT } from './prompt-attention';
import { ClipTokenizer, CHUNK_LENGTH, CONTEXT_LENGTH, END, START } from './tokenizer';
import { embeddingAt, type TextualInversion } from './textual-inversion';

/** An embedding's vectors at token positions offset + 1 … offset + count of the chunk (after START). */
export interface ChunkFix { readonly offset: number; readonly embedding: TextualInversion }

export interface PromptChunk {
  /** 77 ids: `[START] + 75 tokens (padded with END) + [END]`. */
  ids: Int32Array;
  /** 77 emphasis weights, 1.0 at the start, end and padding positions. */
  weights: Float32Array;
  /** Embeddings placed in this chunk (their positions hold id 0). */
  fixes: ChunkFix[];
}

export interface PromptChunks {
  chunks: PromptChunk[];
  /**
   * True when the prompt has no emphasis or BREAK syntax and at most 75 tokens: then there is exactly
   * one chunk, its ids equal `tokenizer.encodeSd1(prompt)` and all its weights are 1.
   */
  isPlain: boolean;
}

/** A1111's opts.comma_padding_backtrack default: how far back a full chunk may be cut at a comma. */
const COMMA_PADDING_BACKTRACK = 20;

/**
 * `pad` fills the ids after the closing end token: END for SD 1.x, 0 for SD 2.x's open_clip (A1111's
 * FrozenOpenCLIPEmbedderWithCustomWords sets id_pad = 0 and overwrites everything after the first end token).
 */
function makeChunk(tokens: readonly number[], weights: readonly number[], pad: number, fixes: ChunkFix[] = []): PromptChunk {
  const ids = new Int32Array(CONTEXT_LENGTH).fill(END);
  ids[0] = START;
  ids.set(tokens, 1);
  ids.fill(pad, tokens.length + 2);
  const chunkWeights = new Float32Array(CONTEXT_LENGTH).fill(1);
  chunkWeights.set(weights, 1);
  return { ids, weights: chunkWeights, fixes };
}

/** The chunk of an empty prompt (`empty_chunk`). */
export function emptyChunk(pad = END): PromptChunk {
  return makeChunk([], [], pad);
}

/** Tokenize a prompt into weighted 77-id chunks (`tokenize_line`); `pad` as in makeChunk. */
export function encodePromptChunks(
  tokenizer: ClipTokenizer, prompt: string, pad = END, embeddings: readonly TextualInversion[] = [],
): PromptChunks {
  const parsed = parsePromptAttention(prompt);
  const tokenized = parsed.map(({ text }) => tokenizer.encode(text));
  const commaToken = tokenizer.tokenId(',</w>');

  const chunks: PromptChunk[] = [];
  let tokens: number[] = [];
  let weights: number[] = [];
  let fixes: ChunkFix[] = [];
  let lastComma = -1;
  const nextChunk = (): void => {
    chunks.push(makeChunk(tokens, weights, pad, fixes));
    tokens = [];
    weights = [];
    fixes = [];
    lastComma = -1;
  };

  parsed.forEach(({ text, weight }, segment) => {
    if (text === 'BREAK' && weight === BREAK_WEIGHT) {
      nextChunk();
      return;
    }
    const segmentTokens = tokenized[segment]!;
    for (let position = 0; position < segmentTokens.length;) {
      const token = segmentTokens[position]!;
      if (token === commaToken) {
        lastComma = tokens.length;
      } else if (tokens.length === CHUNK_LENGTH && lastComma !== -1
        && tokens.length - lastComma <= COMMA_PADDING_BACKTRACK) {
        // The chunk is full and a comma is near its end: move the words after that comma to the next
        // chunk, so a phrase is not split across two chunks.
        const breakAt = lastComma + 1;
        const movedTokens = tokens.slice(breakAt);
        const movedWeights = weights.slice(breakAt);
        // embeddings after the comma move along (A1111 leaves their fixes behind, pointing past the chunk)
        const movedFixes = fixes.filter((f) => f.offset >= breakAt).map((f) => ({ ...f, offset: f.offset - breakAt }));
        tokens = tokens.slice(0, breakAt);
        weights = weights.slice(0, breakAt);
        fixes = fixes.filter((f) => f.offset < breakAt);
        nextChunk();
        tokens = movedTokens;
        weights = movedWeights;
        fixes = movedFixes;
      }
      if (tokens.length === CHUNK_LENGTH) nextChunk();
      const embedding = embeddings.length ? embeddingAt(embeddings, segmentTokens, position) : undefined;
      if (!embedding) {
        tokens.push(token);
        weights.push(weight);
        position++;
        continue;
      }
      // the vectors stay together: a new chunk when they do not fit in this one
      if (tokens.length + embedding.count > CHUNK_LENGTH) nextChunk();
      fixes.push({ offset: tokens.length, embedding });
      for (let v = 0; v < embedding.count; v++) { tokens.push(0); weights.push(weight); }
      position += embedding.ids.length;
    }
  });
  if (tokens.length > 0 || chunks.length === 0) nextChunk();

  const only = parsed.length === 1 ? parsed[0]! : undefined;
  const isPlain = only !== undefined && only.weight === 1 && only.text === prompt
    && tokenized[0]!.length <= CHUNK_LENGTH && chunks.every((c) => c.fixes.length === 0);
  return { chunks, isPlain };
}

/**
 * Give cond and uncond the same number of chunks by appending empty-prompt chunks to the shorter one
 * (A1111 pads the conditioning with the empty prompt's encoding, opts.pad_cond_uncond; the encoding of
 * `emptyChunk()` is exactly that). A padded result is no longer plain: it has more than one chunk.
 */
export function padChunkCount(a: PromptChunks, b: PromptChunks, padId = END): [PromptChunks, PromptChunks] {
  const count = Math.max(a.chunks.length, b.chunks.length);
  const pad = (p: PromptChunks): PromptChunks => p.chunks.length === count ? p : {
    chunks: [...p.chunks, ...Array.from({ length: count - p.chunks.length }, () => emptyChunk(padId))],
    isPlain: false,
  };
  return [pad(a), pad(b)];
}

/**
 * A1111's "Original" emphasis on one chunk's text-encoder output `hidden` (tokens × width, row-major):
 *   original_mean = z.mean(); z = z * w[:, None]; z = z * (original_mean / z.mean())
 * Each token's vector is scaled by its weight, then the whole chunk is rescaled so its mean is restored.
 * Float32 rounding follows torch (products, means and the ratio are float32); the sums run in float64.
 * All weights 1 gives `hidden` back unchanged. If the weighted mean is exactly 0 (A1111 would produce
 * NaN) the rescale is skipped.
 */
export function applyEmphasis(hidden: Float32Array, tokens: number, width: number, weights: Float32Array): Float32Array {
  if (hidden.length !== tokens * width || weights.length !== tokens) {
    throw new RangeError(`applyEmphasis: ${hidden.length} values, ${weights.length} weights for ${tokens}×${width}`);
  }
  const weighted = new Float32Array(hidden.length);
  let originalSum = 0;
  let weightedSum = 0;
  for (let t = 0; t < tokens; t++) {
    const w = weights[t]!;
    for (let i = t * width; i < (t + 1) * width; i++) {
      originalSum += hidden[i]!;
      weighted[i] = hidden[i]! * w;
      weightedSum += weighted[i]!;
    }
  }
  const originalMean = Math.fround(originalSum / hidden.length);
  const weightedMean = Math.fround(weightedSum / hidden.length);
  if (weightedMean === 0) return weighted;
  const ratio = Math.fround(originalMean / weightedMean);
  for (let i = 0; i < weighted.length; i++) weighted[i] = weighted[i]! * ratio;
  return weighted;
}
