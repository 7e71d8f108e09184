// A model opened for generation: graphs, cached sessions for one execution provider, the tokenizer and
// the preview map. Everything a generation needs besides its parameters.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Sd1Model, type GraphVariant } from '../models/sd1-model';
import { ClipTokenizer, END } from '../models/clip/tokenizer';
import { SessionCache } from '../runtime/session-cache';
import type { RuntimeConfig } from '../runtime/session-options';
import { detectFamily } from '../weights/detect';
import { openCheckpoint } from '../weights/checkpoint';
import { withFloat32Weights } from '../weights/float32-copy';
import { defaultCacheDir } from '../cache-dir';
import { floatTensor, tensorToFloat32 } from '../runtime/tensors';
import { LatentPreview, SD1_PREVIEW_COEFFICIENTS } from './latent-preview';
import { calibratedPreview } from './preview-calibration';
import { detectPrediction, type PredictionHint } from '../models/prediction-hint';
import type { Prediction } from '../../../preload/contract/vocabulary';
import { withLoras, type LoraChoice, type LoraReport } from '../weights/lora/apply-loras';
import { withVae } from '../weights/vae-override';
import { readTextualInversion, type TextualInversion } from '../models/clip/textual-inversion';

export interface OpenOptions {
  /** The bundled CLIP BPE vocabulary (used when the model has no tokenizer/ folder). */
  readonly clipVocab: string;
  readonly cacheDir?: string;
  /**
   * Keep every session between generations (the app: the next image starts at once), or release the text
   * encoder before sampling and the UNet before decoding (one-shot runs: peak memory is the UNet alone).
   */
  readonly keepSessions?: boolean;
  /** UNet and text-encoder precision; default fp32 on the CPU, fp16 on GPUs (the VAE always runs fp32). */
  readonly precision?: 'float32' | 'float16';
  /** Build the graphs a GPU provider gets (static shapes) whatever the provider: for tests. */
  readonly gpuGraphs?: boolean;
  /** Told before each slow step of opening (a multi-GB checkpoint takes seconds to minutes). */
  readonly onStage?: (stage: 'header' | 'weights' | 'tokenizer') => Promise<void> | void;
  /** What the UNet predicts; default: detected (prediction-hint.ts). */
  readonly prediction?: Prediction;
  /** LoRAs merged into the weights (apply-loras.ts). */
  readonly loras?: readonly LoraChoice[];
  /** A separate VAE file replacing the checkpoint's (vae-override.ts). */
  readonly vae?: string;
  /** Textual-inversion embeddings usable in prompts (triggered by their file names). */
  readonly embeddings?: readonly string[];
}

/** Textual-inversion vectors for the text encoder: [chunks, 77, width] and a 0/1 mask [chunks, 77]. */
export interface Injection { readonly vectors: Float32Array; readonly mask: Uint8Array }

export class ModelRuntime {
  readonly sessions: SessionCache;
  /** SD 1.x's map until ensurePreview() has fitted this model's own (preview-calibration.ts). */
  preview = new LatentPreview(SD1_PREVIEW_COEFFICIENTS);
  private previewFitted = false;
  /** fp32 on the CPU (one session serves every size), fp16 with static shapes on GPUs. */
  readonly variant: Omit<GraphVariant, 'shapes'>;

  private constructor(
    readonly model: Sd1Model, readonly tokenizer: ClipTokenizer, runtime: RuntimeConfig, readonly keepSessions: boolean,
    precision: 'float32' | 'float16', gpuGraphs: boolean, private readonly cacheDir: string,
    /** eps or v, and why (an explicit choice, a sidecar, or the family's default). */
    readonly prediction: PredictionHint,
    /** What each LoRA matched (unmatched modules are listed there, never dropped silently). */
    readonly loraReports: readonly LoraReport[],
    readonly embeddings: readonly TextualInversion[],
  ) {
    this.sessions = new SessionCache(runtime);
    // GPU providers are slow with dynamic shapes: one static-shape variant per size there.
    this.variant = { dtype: precision, dynamic: runtime.provider === 'cpu' && !gpuGraphs };
  }

  /** Open a checkpoint (file or diffusers folder). */
  static async open(path: string, runtime: RuntimeConfig, opts: OpenOptions): Promise<ModelRuntime> {
    const cacheDir = opts.cacheDir ?? defaultCacheDir();
    await opts.onStage?.('header');
    let index = await openCheckpoint(path);
    const family = detectFamily(index);
    if (opts.vae) index = await withVae(index, opts.vae);
    const prediction = opts.prediction ? { prediction: opts.prediction, source: 'chosen' } : detectPrediction(index, family);
    // fp32 CPU graphs read widened copies of fp16 weights instead of casting them at every load
    const precision = opts.precision ?? (runtime.provider === 'cpu' ? 'float32' : 'float16');
    if (precision === 'float32') {
      await opts.onStage?.('weights');
      index = await withFloat32Weights(index, join(cacheDir, 'weights'));
    }
    let model = new Sd1Model(index);
    let loraReports: LoraReport[] = [];
    if (opts.loras?.length) {
      const merged = await withLoras(model, opts.loras, join(cacheDir, 'lora'));
      model = new Sd1Model(merged.index);
      loraReports = merged.reports;
    }
    await opts.onStage?.('tokenizer');
    const tokenizer = index.tokenizerDir && existsSync(join(index.tokenizerDir, 'vocab.json'))
      ? await ClipTokenizer.fromHfFolder(index.tokenizerDir)
      : await ClipTokenizer.fromBpeGz(opts.clipVocab);
    const embeddings = [];
    for (const file of opts.embeddings ?? []) embeddings.push(await readTextualInversion(file, tokenizer, model.text.width));
    return new ModelRuntime(model, tokenizer, runtime, opts.keepSessions ?? true, precision, opts.gpuGraphs ?? false, cacheDir, prediction, loraReports, embeddings);
  }

  get runtime(): RuntimeConfig { return this.sessions.runtime; }

  /**
   * Fit this model's preview map once (cached on disk): before the first generation that shows previews.
   * Sampled at 128 px where sessions take any size, else at the generation's own size (no extra sessions).
   */
  async ensurePreview(height: number, width: number): Promise<void> {
    if (this.previewFitted) return;
    const size = this.variant.dynamic ? { height: 128, width: 128 } : { height, width };
    this.preview = await calibratedPreview(this, this.cacheDir, size.height, size.width);
    this.previewFitted = true;
  }

  /** Id after a prompt's end token: 0 for open_clip (SD 2.x), the end token for SD 1.x's CLIP. */
  get padId(): number {
    return this.model.text.kind === 'open-clip' ? 0 : END;
  }

  /** input ids [chunks, 77] → hidden states [chunks, 77, width]; `clipSkip` as in Sd1Model.textEncoder. */
  async encodeText(ids: BigInt64Array, chunks: number, clipSkip = 1, injection?: Injection): Promise<Float32Array> {
    const key = `text|${this.variant.dtype}|${this.variant.dynamic ? 'dyn' : chunks}|skip${clipSkip}${injection ? '|inject' : ''}`;
    const session = await this.sessions.get(key, () => this.model.textEncoder(this.variant, chunks, clipSkip, injection !== undefined));
    const width = this.model.text.width;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, [chunks, 77]),
      ...(injection ? {
        inject: floatTensor(this.variant.dtype, injection.vectors, [chunks, 77, width]),
        inject_mask: new ort.Tensor('bool', injection.mask, [chunks, 77, 1]),
      } : {}),
    });
    return tensorToFloat32(out.last_hidden_state!);
  }

  /**
   * One latent [C, h, w] (unscaled) → image [3, 8h, 8w], not clamped. Always float32: SD's VAE decoder
   * overflows fp16 on some latents (black or NaN images), and it runs once per image.
   */
  async decode(latent: Float32Array, h: number, w: number): Promise<Float32Array> {
    const key = `vae|float32|${this.variant.dynamic ? 'dyn' : `${h}x${w}`}`;
    const session = await this.sessions.get(key, () => this.model.vaeDecoder(
      { dtype: 'float32', dynamic: this.variant.dynamic, shapes: { batch: 1, height: h, width: w, contextLength: 77 } }, 1));
    const out = await session.run({ latent: floatTensor('float32', latent, [1, this.model.vae.zChannels, h, w]) });
    return tensorToFloat32(out.image!);
  }

  /**
   * One image [3, 8h, 8w] in [-1, 1] → the moments of its latent distribution [2z, h, w] (mean, then
   * log-variance; unscaled). float32 like the decoder.
   */
  async encode(image: Float32Array, h: number, w: number): Promise<Float32Array> {
    const key = `vae-encoder|float32|${this.variant.dynamic ? 'dyn' : `${h}x${w}`}`;
    const session = await this.sessions.get(key, () => this.model.vaeEncoder(
      { dtype: 'float32', dynamic: this.variant.dynamic, shapes: { batch: 1, height: h, width: w, contextLength: 77 } }, 1));
    const out = await session.run({ image: floatTensor('float32', image, [1, 3, 8 * h, 8 * w]) });
    return tensorToFloat32(out.moments!);
  }

  /** In one-shot mode, free the sessions of a stage that is over (`text` or `unet`). */
  async stageDone(stage: 'text' | 'unet'): Promise<void> {
    if (!this.keepSessions) await this.sessions.releaseWhere((key) => key.startsWith(`${stage}|`) || key.startsWith(`${stage}.`));
  }

  async dispose(): Promise<void> { await this.sessions.releaseAll(); }
}
