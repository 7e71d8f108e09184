// Hyperparameters a checkpoint's tensors cannot tell: attention head counts (a 320-wide layer may have 8
// heads of 40 or 5 of 64) and the latent scale. Real SD 1.x files never say, and the SD1 values are
// fixed (UNet 8 heads at every level, CLIP ViT-L/14 text 12 heads = width/64, scale 0.18215). Small or
// research models carry a sidecar `config.json` (ldm-style `unet.num_heads`, `text_encoder.num_attention_heads`)
// and diffusers folders have per-component configs (`unet/config.json` `attention_head_dim`, which in
// diffusers' SD1 configs is the head *count*).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TensorIndex } from '../weights/tensor-index';
import { readCaptionGrammar, type CaptionGrammar } from './caption-grammar';

export interface ModelHints {
  /** UNet heads per attention layer (ldm `num_heads`), or undefined when `unetHeadChannels` is set. */
  unetHeads?: number;
  /** UNet channels per head (ldm `num_head_channels`, SD2-style). */
  unetHeadChannels?: number;
  textHeads?: number;
  scaleFactor: number;
  /** Native image size (square) if the model says so; SD1.x is 512. */
  imageSize?: number;
  /** The captions it was trained on, when its config ships them (small research models; caption-grammar.ts). */
  captionGrammar?: CaptionGrammar;
}

export const SD1_SCALE_FACTOR = 0.18215;

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try { return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>; } catch { return undefined; }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function readModelHints(index: TensorIndex): ModelHints {
  const hints: ModelHints = { scaleFactor: SD1_SCALE_FACTOR };
  if (index.source.kind === 'diffusers') {
    const root = index.source.path;
    const unet = obj(readJson(join(root, 'unet', 'config.json')));
    const text = obj(readJson(join(root, 'text_encoder', 'config.json')));
    const vae = obj(readJson(join(root, 'vae', 'config.json')));
    const heads = num(unet.attention_head_dim) ?? (Array.isArray(unet.attention_head_dim) ? num(unet.attention_head_dim[0]) : undefined);
    if (heads !== undefined) hints.unetHeads = heads;
    const textHeads = num(text.num_attention_heads);
    if (textHeads !== undefined) hints.textHeads = textHeads;
    hints.scaleFactor = num(vae.scaling_factor) ?? SD1_SCALE_FACTOR;
    const size = num(unet.sample_size);
    if (size !== undefined) hints.imageSize = size * 8;
    return hints;
  }
  const sidecar = obj(readJson(join(dirname(index.source.path), 'config.json')));
  const unet = obj(sidecar.unet);
  const text = obj(sidecar.text_encoder);
  const headChannels = num(unet.num_head_channels);
  if (headChannels !== undefined && headChannels > 0) hints.unetHeadChannels = headChannels;
  else if (num(unet.num_heads) !== undefined) hints.unetHeads = num(unet.num_heads)!;
  const textHeads = num(text.num_attention_heads);
  if (textHeads !== undefined) hints.textHeads = textHeads;
  hints.scaleFactor = num(sidecar.scale_factor) ?? SD1_SCALE_FACTOR;
  const size = num(sidecar.image_size) ?? (Array.isArray(sidecar.image_hw) ? num(sidecar.image_hw[0]) : undefined);
  if (size !== undefined) hints.imageSize = size;
  const grammar = readCaptionGrammar(sidecar.data);
  if (grammar) hints.captionGrammar = grammar;
  return hints;
}
