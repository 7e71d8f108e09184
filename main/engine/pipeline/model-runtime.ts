// A model opened for generation: graphs, cached sessions for one execution provider, the tokenizer and
// the preview map. Everything a generation needs besides its parameters.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Sd1Model, type GraphVariant } from '../model/sd1-model';
import { ClipTokenizer } from '../models/clip/tokenizer';
import { SessionCache } from '../runtime/session-cache';
import type { RuntimeConfig } from '../runtime/session-options';
import { detectFamily } from '../weights/detect';
import { openCheckpoint } from '../weights/checkpoint';
import { floatTensor, tensorToFloat32 } from '../runtime/tensors';
import { LatentPreview } from './latent-preview';

export class ModelRuntime {
  readonly sessions: SessionCache;
  readonly preview: LatentPreview;
  /** fp32 on the CPU (one session serves every size), fp16 with static shapes on GPUs. */
  readonly variant: Omit<GraphVariant, 'shapes'>;

  private constructor(readonly model: Sd1Model, readonly tokenizer: ClipTokenizer, runtime: RuntimeConfig) {
    this.sessions = new SessionCache(runtime);
    this.preview = new LatentPreview(model.unet.inChannels);
    this.variant = runtime.provider === 'cpu' ? { dtype: 'float32', dynamic: true } : { dtype: 'float16', dynamic: false };
  }

  /** Open a checkpoint (file or diffusers folder); `clipVocab` is the bundled BPE vocabulary. */
  static async open(path: string, runtime: RuntimeConfig, clipVocab: string): Promise<ModelRuntime> {
    const index = await openCheckpoint(path);
    detectFamily(index);
    const model = new Sd1Model(index);
    const tokenizer = index.tokenizerDir && existsSync(join(index.tokenizerDir, 'vocab.json'))
      ? await ClipTokenizer.fromHfFolder(index.tokenizerDir)
      : await ClipTokenizer.fromBpeGz(clipVocab);
    return new ModelRuntime(model, tokenizer, runtime);
  }

  get runtime(): RuntimeConfig { return this.sessions.runtime; }

  /** input ids [chunks, 77] → hidden states [chunks, 77, width]. */
  async encodeText(ids: BigInt64Array, chunks: number): Promise<Float32Array> {
    const key = `text|${this.variant.dtype}|${this.variant.dynamic ? 'dyn' : chunks}`;
    const session = await this.sessions.get(key, () => this.model.textEncoder(this.variant, chunks));
    const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [chunks, 77]) });
    return tensorToFloat32(out.last_hidden_state!);
  }

  /** One latent [C, h, w] (unscaled) → image [3, 8h, 8w], not clamped. */
  async decode(latent: Float32Array, h: number, w: number): Promise<Float32Array> {
    const key = `vae|${this.variant.dtype}|${this.variant.dynamic ? 'dyn' : `${h}x${w}`}`;
    const session = await this.sessions.get(key, () => this.model.vaeDecoder(
      { ...this.variant, shapes: { batch: 1, height: h, width: w, contextLength: 77 } }, 1));
    const out = await session.run({ latent: floatTensor(this.variant.dtype, latent, [1, this.model.vae.zChannels, h, w]) });
    return tensorToFloat32(out.image!);
  }

  async dispose(): Promise<void> { await this.sessions.releaseAll(); }
}
