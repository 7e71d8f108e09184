// The UNet's structure, read from tensor names and shapes only (the stable-diffusion.cpp
// `detect_from_weights` rule: never from constants, never from tensor data). Every SD 1.x size works:
// the block list below is whatever input_blocks / middle_block / output_blocks the checkpoint has.
// Ref: CompVis/stable-diffusion ldm/modules/diffusionmodules/openaimodel.py (UNetModel.__init__).
import { EngineError } from '../../errors';
import type { WeightSource } from '../../graph/scope';
import type { ModelHints } from '../model-hints';
import { UNET_SCOPE } from '../../weights/names/prefixes';

/** One entry of `input_blocks`: the stem conv, a ResBlock (+ optional SpatialTransformer), or a Downsample. */
export type InputBlock =
  | { readonly kind: 'conv-in' }
  | { readonly kind: 'res'; readonly attention: boolean }
  | { readonly kind: 'down' };

/** One entry of `output_blocks`: a ResBlock, optional SpatialTransformer, optional Upsample. */
export interface OutputBlock { readonly attention: boolean; readonly upsample: boolean }

export interface UNetConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modelChannels: number;
  readonly contextDim: number;
  /** Either a fixed head count per layer (SD1) or a fixed head width (SD2-style). */
  readonly heads: { readonly count: number } | { readonly channels: number };
  /** Compute q·kᵀ and the softmax in float32 inside fp16 graphs (SD 2.x, ldm ATTN_PRECISION = "fp32"). */
  readonly upcastAttention?: boolean;
  readonly inputBlocks: readonly InputBlock[];
  readonly outputBlocks: readonly OutputBlock[];
}

/** SD1's UNet uses 8 heads at every level; see model-hints.ts. */
const SD1_UNET_HEADS = 8;

function indices(src: WeightSource, prefix: string): number[] {
  const found: number[] = [];
  for (let i = 0; src.hasPrefix(`${prefix}.${i}`); i++) found.push(i);
  return found;
}

export function detectUNetConfig(src: WeightSource, hints: ModelHints): UNetConfig {
  const p = UNET_SCOPE;
  const stem = src.entry(`${p}.input_blocks.0.0.weight`).shape; // [C, in, 3, 3]
  const inputBlocks: InputBlock[] = indices(src, `${p}.input_blocks`).map((i): InputBlock => {
    if (i === 0) return { kind: 'conv-in' };
    if (src.hasPrefix(`${p}.input_blocks.${i}.0.op`)) return { kind: 'down' };
    return { kind: 'res', attention: src.hasPrefix(`${p}.input_blocks.${i}.1`) };
  });
  const outputBlocks: OutputBlock[] = indices(src, `${p}.output_blocks`).map((i) => {
    const attention = src.hasPrefix(`${p}.output_blocks.${i}.1.transformer_blocks`);
    const upsample = src.hasPrefix(`${p}.output_blocks.${i}.${attention ? 2 : 1}.conv`);
    return { attention, upsample };
  });
  const skips = inputBlocks.length;
  if (outputBlocks.length !== skips) {
    throw new EngineError('model-incomplete',
      `The UNet has ${skips} input blocks but ${outputBlocks.length} output blocks; the file looks truncated or is not an SD 1.x UNet.`);
  }
  const attnKey = [...src.index.tensors.keys()].find((k) => k.startsWith(`${p}.`) && k.endsWith('.attn2.to_k.weight'));
  if (!attnKey) throw new EngineError('model-unsupported', 'This UNet has no cross-attention layers, so it cannot be conditioned on text.');
  const heads: UNetConfig['heads'] = hints.unetHeadChannels !== undefined
    ? { channels: hints.unetHeadChannels }
    : { count: hints.unetHeads ?? SD1_UNET_HEADS };
  const modelChannels = stem[0]!;
  const perHead = 'count' in heads ? heads.count : heads.channels;
  if (modelChannels % perHead !== 0) {
    throw new EngineError('model-unsupported', 'count' in heads
      ? `The model's config gives the UNet ${perHead} attention heads, which do not divide its ${modelChannels} channels (check num_heads / attention_head_dim).`
      : `The model's config gives the UNet ${perHead} channels per attention head, which do not divide its ${modelChannels} channels (check num_head_channels).`);
  }
  return {
    inChannels: stem[1]!,
    outChannels: src.entry(`${p}.out.2.weight`).shape[0]!,
    modelChannels,
    contextDim: src.entry(attnKey).shape[1]!,
    heads,
    inputBlocks,
    outputBlocks,
  };
}

/** Heads for an attention layer of `channels` width. */
export function headsFor(config: UNetConfig, channels: number): number {
  const heads = 'count' in config.heads ? config.heads.count : channels / config.heads.channels;
  if (!Number.isInteger(heads) || channels % heads !== 0) {
    throw new EngineError('model-unsupported', `Attention width ${channels} does not split into heads as configured.`);
  }
  return heads;
}

/** Downsampling factor of the latent at the input of output block `i` (1 = full latent resolution). */
export function outputBlockScale(config: UNetConfig, i: number): number {
  const downs = config.inputBlocks.filter((b) => b.kind === 'down').length;
  const upsBefore = config.outputBlocks.slice(0, i).filter((b) => b.upsample).length;
  return 2 ** (downs - upsBefore);
}

/** Downsampling factor at input block `i`. */
export function inputBlockScale(config: UNetConfig, i: number): number {
  return 2 ** config.inputBlocks.slice(0, i + 1).filter((b) => b.kind === 'down').length;
}
