// Textual-inversion embeddings, A1111 semantics: a file `name.safetensors` holding `emb_params` or
// `string_to_param.*` ([vectors, width]) is used where the prompt's tokens contain the tokenization of its
// trigger (the file name unless one is chosen); its vectors take the place of the trigger's tokens, one
// token position each, so chunking and emphasis work on them like on words.
// Ref: AUTOMATIC1111 modules/textual_inversion/textual_inversion.py (EmbeddingDatabase: load_from_file,
// find_embedding_at_position), modules/sd_hijack.py (EmbeddingsWithFixes).
import { basename, extname } from 'node:path';
import { EngineError } from '../../errors';
import { readSafetensorsRefusingPickle } from '../../weights/pickle-refusal';
import { decodeToF32, isWeightDType, readTensorBytes } from '../../weights/safetensors';
import type { ClipTokenizer } from './tokenizer';

export interface TextualInversion {
  readonly name: string;
  readonly path: string;
  /** The trigger's BPE ids (what the prompt must contain). */
  readonly ids: readonly number[];
  readonly count: number;
  readonly width: number;
  /** [count, width] row-major. */
  readonly vectors: Float32Array;
}

/** Read an embedding for a text encoder of `width`; refused with the reason when it does not fit. */
export async function readTextualInversion(path: string, tokenizer: ClipTokenizer, width: number, trigger?: string): Promise<TextualInversion> {
  const header = await readSafetensorsRefusingPickle(path);
  const name = trigger ?? basename(path, extname(path));
  const keys = [...header.tensors.keys()];
  const key = keys.find((k) => k === 'emb_params') ?? keys.find((k) => k.startsWith('string_to_param.'));
  const file = `"${basename(path)}"`;
  if (key === undefined) {
    const xl = keys.some((k) => /^clip_[lg]$/.test(k));
    throw new EngineError('model-unsupported', xl
      ? `${file} is an SDXL embedding (clip_l/clip_g); it does not fit SD 1.x/2.x text encoders.`
      : `${file} is not a textual-inversion embedding (it has no emb_params or string_to_param tensor).`);
  }
  const t = header.tensors.get(key)!;
  if (!isWeightDType(t.dtype)) throw new EngineError('model-unsupported', `${file} stores its vectors as ${t.dtype}; F32/F16/BF16 are read.`);
  const [count, w] = t.shape.length === 2 ? [t.shape[0]!, t.shape[1]!] : t.shape.length === 1 ? [1, t.shape[0]!] : [0, 0];
  if (w !== width || count < 1 || count > 75) {
    throw new EngineError('model-unsupported', `The embedding ${file} has ${count} vector(s) of width ${w}, but this model's text encoder has width ${width}${w === 768 ? ' (it is for SD 1.x)' : w === 1024 ? ' (it is for SD 2.x)' : ''}.`);
  }
  const ids = tokenizer.encode(name);
  if (ids.length === 0) throw new EngineError('invalid-parameters', `The embedding trigger "${name}" has no tokens; choose a trigger word.`);
  const vectors = decodeToF32(await readTensorBytes({ file: header.file, offset: t.offset, byteLength: t.byteLength }), t.dtype);
  return { name, path: header.file, ids, count, width, vectors };
}

/** find_embedding_at_position: the longest trigger whose ids start at `position`. */
export function embeddingAt(embeddings: readonly TextualInversion[], tokens: readonly number[], position: number): TextualInversion | undefined {
  let best: TextualInversion | undefined;
  for (const e of embeddings) {
    if (best && e.ids.length <= best.ids.length) continue;
    if (e.ids.every((id, i) => tokens[position + i] === id)) best = e;
  }
  return best;
}
