// A Stable Diffusion 1.x checkpoint ready to build graphs from: its tensors, the architecture read from
// them, and one function per graph the engine runs. Building a graph is pure TypeScript (milliseconds);
// sessions are made from these graphs by runtime/session-cache.ts.
import { dirname, sep } from 'node:path';
import { Graph, type InputDim } from '../graph/graph';
import { Scope, WeightSource } from '../graph/scope';
import { buildTextEncoder, detectTextEncoderConfig, type TextEncoderConfig } from './clip/text-encoder';
import { readModelHints, type ModelHints } from './model-hints';
import { detectUNetConfig, type UNetConfig } from './unet/config';
import { partitionUNet, type SegmentName, type UNetPartition } from './unet/partition';
import { buildUNetSegment, type LatentDims } from './unet/unet';
import { buildVaeDecoder, detectVaeDecoderConfig, type VaeDecoderConfig } from './vae/decoder';
import { buildVaeEncoder, detectVaeEncoderConfig, type VaeEncoderConfig } from './vae/encoder';
import type { TensorIndex } from '../weights/tensor-index';

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

export class Sd1Model {
  readonly src: WeightSource;
  readonly hints: ModelHints;
  readonly unet: UNetConfig;
  readonly text: TextEncoderConfig;
  readonly vae: VaeDecoderConfig;
  /** Read on first use: text-to-image never needs the encoder. */
  private vaeEncoderConfig: VaeEncoderConfig | undefined;
  readonly partition: UNetPartition;

  constructor(readonly index: TensorIndex) {
    this.src = new WeightSource(index, commonFolder([...index.tensors.values()].map((t) => t.file)));
    this.hints = readModelHints(index);
    this.unet = detectUNetConfig(this.src, this.hints);
    this.text = detectTextEncoderConfig(this.src, this.hints);
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

  /** Text encoder over a batch of 77-token chunks. */
  textEncoder(v: Pick<GraphVariant, 'dtype' | 'dynamic'>, chunks: number): BuiltGraph {
    const g = new Graph({ name: 'text_encoder', dtype: v.dtype, dynamic: v.dynamic });
    const batch = this.dims({ ...v, shapes: { batch: chunks, height: 1, width: 1, contextLength: 77 } }).batch;
    buildTextEncoder(g, new Scope(g, this.src, ''), this.text, batch);
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
