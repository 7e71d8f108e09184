// The SD1 UNet as a sequence of stages, buildable as a whole or as any contiguous segment of it.
// Feature caching needs segments: DeepCache's shallow step runs only input_blocks[0] and the last output
// block on top of the cached input of that block, and DaTo's pruned variants replace only the blocks at
// full latent resolution. Each segment takes and returns exactly the tensors that cross its boundary:
// the running activation `h`, `emb`, and the skip connections that jump over the boundary.
// Ref: ldm/modules/diffusionmodules/openaimodel.py UNetModel.forward (numbered like diffusers' recipe).
import type { Graph, InputDim, Tensor } from '../../graph/graph';
import { silu } from '../../graph/ops/elementwise';
import { conv2d, groupNorm } from '../../graph/ops/nn';
import { concat } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';
import type { TokenPruning } from '../../accel/token-pruning-graph';
import { headsFor, inputBlockScale, outputBlockScale, type UNetConfig } from './config';
import { UNET_SCOPE } from '../../weights/names/prefixes';
import { resBlock } from './res-block';
import { downsample, upsample } from './resample';
import { spatialTransformer, type AttentionHeads } from './spatial-transformer';
import { timestepEmbedding } from './timestep-embedding';

/** Position in the block sequence: input_blocks 0..n-1, middle_block, output_blocks 0..n-1. */
export type Stage =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'middle' }
  | { readonly kind: 'output'; readonly index: number };

export function unetStages(config: UNetConfig): Stage[] {
  return [
    ...config.inputBlocks.map((_, index): Stage => ({ kind: 'input', index })),
    { kind: 'middle' },
    ...config.outputBlocks.map((_, index): Stage => ({ kind: 'output', index })),
  ];
}

/** Output block `j` concatenates the output of input block `skipSource(j)`. */
export const skipSource = (config: UNetConfig, j: number): number => config.inputBlocks.length - 1 - j;

export interface SegmentRange { readonly from: number; readonly to: number }

export interface SegmentIO {
  /** Input blocks whose outputs enter the segment as `skip_<i>`. */
  readonly skipsIn: readonly number[];
  /** Input blocks inside the segment whose outputs leave it as `skip_<i>`. */
  readonly skipsOut: readonly number[];
  readonly takesLatent: boolean; // first segment: x + timestep in, emb computed inside
  readonly returnsEps: boolean; // last segment: `out` applied
  readonly needsContext: boolean;
}

export function segmentIO(config: UNetConfig, { from, to }: SegmentRange): SegmentIO {
  const stages = unetStages(config).slice(from, to);
  const skipsIn = new Set<number>();
  const skipsOut: number[] = [];
  const inside = (i: number): boolean => stages.some((s) => s.kind === 'input' && s.index === i);
  for (const s of stages) {
    if (s.kind !== 'output') continue;
    const src = skipSource(config, s.index);
    if (!inside(src)) skipsIn.add(src);
    // an upsampling block is sized by the skip the next output block will read
    if (config.outputBlocks[s.index]!.upsample) {
      const next = skipSource(config, s.index + 1);
      if (!inside(next)) skipsIn.add(next);
    }
  }
  const all = unetStages(config);
  for (const s of stages) {
    if (s.kind !== 'input') continue;
    const usedLater = all.slice(to).some((o) => o.kind === 'output'
      && (skipSource(config, o.index) === s.index
        || (config.outputBlocks[o.index]!.upsample && skipSource(config, o.index + 1) === s.index)));
    if (usedLater) skipsOut.push(s.index);
  }
  return {
    skipsIn: [...skipsIn].sort((a, b) => a - b),
    skipsOut,
    takesLatent: from === 0,
    returnsEps: to === all.length,
    needsContext: stages.some((st) => hasAttention(config, st)),
  };
}

export function hasAttention(config: UNetConfig, s: Stage): boolean {
  if (s.kind === 'middle') return true;
  if (s.kind === 'output') return config.outputBlocks[s.index]!.attention;
  const b = config.inputBlocks[s.index]!;
  return b.kind === 'res' && b.attention;
}

/** Stages whose transformer runs on every latent token (where DaTo prunes). */
export function isFullResolution(config: UNetConfig, s: Stage): boolean {
  if (s.kind === 'middle') return false;
  // an output block's transformer runs before its upsample, at the block's input scale
  return s.kind === 'input' ? inputBlockScale(config, s.index) === 1 : outputBlockScale(config, s.index) === 1;
}

export interface LatentDims { readonly batch: InputDim; readonly height: InputDim; readonly width: InputDim; readonly contextLength: InputDim }

const example = (d: InputDim): number => (typeof d === 'number' ? d : d.example);

/** Tensors crossing segment boundaries are named so the runner can wire segments together. */
export const skipName = (i: number): string => `skip_${i}`;
/** The running activation enters a segment as `h` and leaves it as `h_out` (ONNX names are unique per graph). */
export const ACTIVATION_IN = 'h';
export const ACTIVATION_OUT = 'h_out';
/** Input carrying the DaTo base tokens of one pruned block. */
export const baseTokensName = (stage: Stage): string => `dato_base.${stageName(stage)}`;

export interface SegmentOptions {
  /** Build full-resolution self-attention with DaTo pruning (adds inputs `dato_count` and `dato_base.<block>`). */
  readonly pruneTokens?: { readonly exampleCount: number };
}

/** Build UNet stages [from, to) into `g`, declaring the segment's inputs and outputs. */
export function buildUNetSegment(
  g: Graph, root: Scope, config: UNetConfig, range: SegmentRange, dims: LatentDims, opts: SegmentOptions = {},
): SegmentIO {
  const io = segmentIO(config, range);
  const s = root.at(UNET_SCOPE);
  const { batch, height, width, contextLength } = dims;
  const stages = unetStages(config);
  const activationDims = (stage: Stage): InputDim[] => {
    const k = stageOutputScale(config, stage);
    const scaled = (d: InputDim): InputDim => (typeof d === 'number' ? Math.ceil(d / k)
      : { name: `${d.name}_${k}`, example: Math.ceil(d.example / k) });
    return [batch, stageChannels(s, config, stage), scaled(height), scaled(width)];
  };

  // 1. inputs
  const skips = new Map<number, Tensor>();
  let h: Tensor | undefined;
  let emb: Tensor;
  if (io.takesLatent) {
    const x = g.input('x', g.dtype, [batch, config.inChannels, height, width]);
    const t = g.input('timestep', 'float32', [batch]);
    emb = timestepEmbedding(s, t, config.modelChannels); // [B, 4C]
    h = x;
  } else {
    emb = g.input('emb', g.dtype, [batch, 4 * config.modelChannels]);
    h = g.input(ACTIVATION_IN, g.dtype, activationDims(stages[range.from - 1]!));
  }
  for (const i of io.skipsIn) {
    skips.set(i, g.input(skipName(i), g.dtype, activationDims(stages[i]!)));
  }
  const context = io.needsContext ? g.input('context', g.dtype, [batch, contextLength, config.contextDim]) : undefined;
  // DaTo: the prune count is shared; every pruned block gets its own base tokens (the official code draws
  // the selection noise and sign flip per block call).
  const pruneCount = opts.pruneTokens && g.input('dato_count', 'int64', [1]);
  const pruningFor = (stage: Stage): TokenPruning | undefined => {
    if (!pruneCount || !hasAttention(config, stage) || !isFullResolution(config, stage)) return undefined;
    const [h, w] = [example(height), example(width)];
    const windows = Math.ceil(h / 2) * Math.ceil(w / 2);
    const windowsDim: InputDim = typeof height === 'number' && typeof width === 'number' ? windows : { name: 'windows', example: windows };
    return {
      base: g.input(baseTokensName(stage), 'int64', [batch, windowsDim]),
      count: pruneCount,
      exampleCount: Math.min(opts.pruneTokens!.exampleCount, h * w - windows),
    };
  };

  // 2. blocks
  for (let k = range.from; k < range.to; k++) {
    const stage = stages[k]!;
    h = g.within(stageName(stage), () => runStage(s, config, stage, h!, emb, context, skips, pruningFor(stage)));
    if (stage.kind === 'input') skips.set(stage.index, h);
  }

  // 3. outputs
  if (io.takesLatent && !io.returnsEps) g.output(emb, 'emb');
  for (const i of io.skipsOut) g.output(skips.get(i)!, skipName(i));
  if (io.returnsEps) {
    // out.1 is SiLU
    const eps = conv2d(s.at('out.2'), silu(groupNorm(s.at('out.0'), h, 32, 1e-5)), { pad: 1 });
    g.output(eps, 'eps');
  } else {
    g.output(h, ACTIVATION_OUT);
  }
  return io;
}

export function stageName(stage: Stage): string {
  return stage.kind === 'middle' ? 'middle_block' : `${stage.kind}_blocks.${stage.index}`;
}

/** Downsampling factor of a stage's output relative to the latent. */
function stageOutputScale(config: UNetConfig, stage: Stage): number {
  if (stage.kind === 'input') return inputBlockScale(config, stage.index);
  if (stage.kind === 'output') return outputBlockScale(config, stage.index + 1);
  return 2 ** config.inputBlocks.filter((b) => b.kind === 'down').length;
}

/** Channels of a stage's output, from the weights of its last layer. */
function stageChannels(s: Scope, config: UNetConfig, stage: Stage): number {
  if (stage.kind === 'middle') return s.shape('middle_block.2.out_layers.3.weight')[0]!;
  if (stage.kind === 'input') {
    const b = config.inputBlocks[stage.index]!;
    if (b.kind === 'conv-in') return config.modelChannels;
    if (b.kind === 'down') return s.shape(`input_blocks.${stage.index}.0.op.weight`)[0]!;
    return s.shape(`input_blocks.${stage.index}.0.out_layers.3.weight`)[0]!;
  }
  return s.shape(`output_blocks.${stage.index}.0.out_layers.3.weight`)[0]!;
}

function runStage(
  s: Scope, config: UNetConfig, stage: Stage, h: Tensor, emb: Tensor, context: Tensor | undefined,
  skips: ReadonlyMap<number, Tensor>, pruning: TokenPruning | undefined,
): Tensor {
  const heads = (ch: number): AttentionHeads => ({ heads: headsFor(config, ch), upcast: config.upcastAttention ?? false });
  if (stage.kind === 'middle') {
    const m = s.at('middle_block');
    h = resBlock(m.at(0), h, emb);
    h = spatialTransformer(m.at(1), h, context!, heads(h.shape[1]!));
    return resBlock(m.at(2), h, emb);
  }
  if (stage.kind === 'input') {
    const b = s.at(`input_blocks.${stage.index}`);
    const block = config.inputBlocks[stage.index]!;
    if (block.kind === 'conv-in') return conv2d(b.at(0), h, { pad: 1 });
    if (block.kind === 'down') return downsample(b.at(0), h);
    h = resBlock(b.at(0), h, emb);
    return block.attention ? spatialTransformer(b.at(1), h, context!, heads(h.shape[1]!), pruning) : h;
  }
  const b = s.at(`output_blocks.${stage.index}`);
  const block = config.outputBlocks[stage.index]!;
  h = resBlock(b.at(0), concat([h, skips.get(skipSource(config, stage.index))!], 1), emb); // cat([h, skip]), h first
  let next = 1;
  if (block.attention) h = spatialTransformer(b.at(next++), h, context!, heads(h.shape[1]!), pruning);
  if (block.upsample) h = upsample(b.at(next), h, skips.get(skipSource(config, stage.index + 1))!);
  return h;
}
