// A Stable Diffusion 1.x or 2.x checkpoint ready to build graphs from: its tensors, the architecture read from
// them, and one function per graph the engine runs. Building a graph is pure TypeScript (milliseconds);
// sessions are made from these graphs by runtime/session-cache.ts.
import { dirname, sep } from 'node:path';
import { EngineError } from '../errors';
import { Graph, type InputDim } from '../graph/graph';
import { Scope, WeightSource } from '../graph/scope';
import { buildTextEncoder, detectTextEncoderConfig, type TextEncoderConfig } from './clip/text-encoder';
import { buildOpenClipTextEncoder, detectOpenClipTextConfig, type OpenClipTextConfig } from './clip/open-clip-text-encoder';
import { readModelHints, type ModelHints } from './model-hints';
import { detectUNetConfig, type UNetConfig } from './unet/config';
import { partitionUNet, type SegmentName, type UNetPartition } from './unet/partition';
import { buildUNetSegment, type LatentDims } from './unet/unet';
import { buildVaeDecoder, detectVaeDecoderConfig, type VaeDecoderConfig } from './vae/decoder';
import { buildVaeEncoder, detectVaeEncoderConfig, type VaeEncoderConfig } from './vae/encoder';
import type { TensorIndex } from '../weights/tensor-index';
import { OPEN_CLIP_PREFIX } from '../weights/names/prefixes';

export interface GraphShapes {
  /** Rows in the UNet batch (2 × images with classifier-free guidance). */
  readonly batch: number;
  /** Latent height/width. */
  readonly height: number;
  readonly width: number;
  readonly contextLength: number;
}

export interface GraphVariant {
  readonly dtype: 'float32' | 'float16';
  /** Symbolic batch/size dims (one CPU session serves every size) or fully static shapes (GPU). */
  readonly dynamic: boolean;
  readonly shapes: GraphShapes;
}

export interface BuiltGraph {
  readonly bytes: Uint8Array;
  /** Folder the graph's external-data locations are relative to. */
  readonly weightsRoot: string;
  readonly graph: Graph;
}

/** Deepest common folder of all weight files (diffusers folders spread weights over subfolders). */
function commonFolder(files: Iterable<string>): string {
  let common: string[] | undefined;
  for (const f of files) {
    const parts = dirname(f).split(sep);
    if (!common) { common = parts; continue; }
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return (common ?? []).join(sep) || sep;
}

/** SD 2.x fixes the UNet's head width (num_head_channels = 64 in every Stability config), not the count. */
const SD2_UNET_HEAD_CHANNELS = 64;

export class Sd1Model {
  readonly src: WeightSource;
  readonly hints: ModelHints;
  /** sd2: OpenCLIP text encoder (`cond_stage_model.model.*`), 64-wide UNet heads, fp32 attention in fp16 graphs. */
  readonly family: 'sd1' | 'sd2';
  readonly unet: UNetConfig;
  readonly text: TextEncoderConfig | OpenClipTextConfig;
  readonly vae: VaeDecoderConfig;
  /** Read on first use: text-to-image never needs the encoder. */
  private vaeEncoderConfig: VaeEncoderConfig | undefined;
  readonly partition: UNetPartition;

  constructor(readonly index: TensorIndex) {
    this.src = new WeightSource(index, commonFolder([...index.tensors.values()].map((t) => t.file)));
    this.hints = readModelHints(index);
    this.family = index.tensors.has(`${OPEN_CLIP_PREFIX}token_embedding.weight`) ? 'sd2' : 'sd1';
    if (this.family === 'sd2') {
      const headsKnown = this.hints.unetHeads !== undefined || this.hints.unetHeadChannels !== undefined;
      const hints = headsKnown ? this.hints : { ...this.hints, unetHeadChannels: SD2_UNET_HEAD_CHANNELS };
      // ldm's ATTN_PRECISION "fp32": SD 2.x overflows fp16 in q·kᵀ (NaN images, worst for v models)
      this.unet = { ...detectUNetConfig(this.src, hints), upcastAttention: true };
      this.text = detectOpenClipTextConfig(this.src, this.hints);
    } else {
      this.unet = detectUNetConfig(this.src, this.hints);
      this.text = detectTextEncoderConfig(this.src, this.hints);
    }
    this.vae = detectVaeDecoderConfig(this.src);
    this.partition = partitionUNet(this.unet);
  }

  private dims(v: GraphVariant, withContext = true): LatentDims {
    const d = (name: string, value: number): InputDim => (v.dynamic ? { name, example: value } : value);
    return {
      batch: d('batch', v.shapes.batch), height: d('height', v.shapes.height), width: d('width', v.shapes.width),
      contextLength: withContext ? d('context_length', v.shapes.contextLength) : v.shapes.contextLength,
    };
  }

  private finish(g: Graph): BuiltGraph {
    return { bytes: g.serialize(), weightsRoot: this.src.root, graph: g };
  }

  /** One UNet segment; `pruneExample` builds the DaTo-pruned variant (its count is a runtime input). */
  unetSegment(segment: SegmentName, v: GraphVariant, pruneExample?: number): BuiltGraph {
    const g = new Graph({ name: `unet.${segment}`, dtype: v.dtype, dynamic: v.dynamic });
    buildUNetSegment(g, new Scope(g, this.src, ''), this.unet, this.partition[segment], this.dims(v),
      pruneExample !== undefined ? { pruneTokens: { exampleCount: pruneExample } } : {});
    return this.finish(g);
  }

  /** The whole UNet in one graph (x, timestep, context → eps), for profiling what segmenting costs. */
  unetWhole(v: GraphVariant): BuiltGraph {
    const g = new Graph({ name: 'unet', dtype: v.dtype, dynamic: v.dynamic });
    buildUNetSegment(g, new Scope(g, this.src, ''), this.unet, { from: 0, to: this.partition.tail.to }, this.dims(v));
    return this.finish(g);
  }

  /** Layers the text encoder has that clip skip can skip (SD 2.x: its last block never runs). */
  get clipSkipLimit(): number {
    return this.text.kind === 'open-clip' ? 1 : this.text.layers;
  }

  /**
   * Text encoder over a batch of 77-token chunks. `clipSkip` N ≥ 1 uses the output of the N-th layer from
   * the end (then the final layer norm); SD 2.x always uses its penultimate block, so only N = 1 is valid there.
   * `inject` adds the textual-inversion inputs (text-encoder.ts injectVectors).
   */
  textEncoder(v: Pick<GraphVariant, 'dtype' | 'dynamic'>, chunks: number, clipSkip = 1, inject = false): BuiltGraph {
    checkClipSkip(clipSkip, this);
    const g = new Graph({ name: 'text_encoder', dtype: v.dtype, dynamic: v.dynamic });
    const batch = this.dims({ ...v, shapes: { batch: chunks, height: 1, width: 1, contextLength: 77 } }).batch;
    const root = new Scope(g, this.src, '');
    if (this.text.kind === 'open-clip') buildOpenClipTextEncoder(g, root, this.text, batch, 1, inject);
    else buildTextEncoder(g, root, this.text, batch, clipSkip, inject);
    return this.finish(g);
  }

  vaeDecoder(v: GraphVariant, images: number): BuiltGraph {
    const g = new Graph({ name: 'vae_decoder', dtype: v.dtype, dynamic: v.dynamic });
    const d = this.dims({ ...v, shapes: { ...v.shapes, batch: images } }, false);
    buildVaeDecoder(g, new Scope(g, this.src, ''), this.vae, d, this.hints.scaleFactor);
    return this.finish(g);
  }

  /** Image [images, 3, 8·height, 8·width] → latent moments [images, 2z, height, width] (`shapes` are latent sizes). */
  vaeEncoder(v: GraphVariant, images: number): BuiltGraph {
    const g = new Graph({ name: 'vae_encoder', dtype: v.dtype, dynamic: v.dynamic });
    const d = this.dims({ ...v, shapes: { ...v.shapes, batch: images, height: v.shapes.height * 8, width: v.shapes.width * 8 } }, false);
    buildVaeEncoder(g, new Scope(g, this.src, ''), this.vaeEncoderConfig ??= detectVaeEncoderConfig(this.src), d);
    return this.finish(g);
  }
}

/** Clip skip 1 … layers (SD 1.x); SD 2.x has no clip skip beyond its fixed penultimate layer, as in A1111. */
export function checkClipSkip(clipSkip: number, model: Pick<Sd1Model, 'clipSkipLimit' | 'family'>): void {
  if (Number.isInteger(clipSkip) && clipSkip >= 1 && clipSkip <= model.clipSkipLimit) return;
  throw new EngineError('invalid-parameters', model.family === 'sd2'
    ? `Clip skip ${clipSkip} does not apply to Stable Diffusion 2.x models: they always use the penultimate text-encoder layer. Use clip skip 1.`
    : `Clip skip must be a whole number from 1 to ${model.clipSkipLimit} (the text encoder's layer count), got ${clipSkip}.`);
}
