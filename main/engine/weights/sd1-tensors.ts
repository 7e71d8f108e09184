// Every tensor of an SD 1.x-architecture checkpoint, in the single-file LDM layout, with its shape and
// how `writeRandomCheckpoint` initialises it. Order of enumeration follows the modules' construction.
// Ref: ldm/modules/diffusionmodules/openaimodel.py (UNetModel, ResBlock, Downsample, Upsample),
// ldm/modules/attention.py (SpatialTransformer, BasicTransformerBlock, CrossAttention, GEGLU),
// ldm/modules/diffusionmodules/model.py (Encoder, Decoder, ResnetBlock, AttnBlock),
// transformers/models/clip/modeling_clip.py (CLIPTextTransformer).

import type { Sd1Config, Sd1TextConfig, Sd1UnetConfig, Sd1VaeConfig } from './sd1-config';
import { TEXT_PREFIX } from './names/clip';
import { UNET_PREFIX } from './names/unet';
import { VAE_PREFIX } from './names/vae';

/**
 * `uniform`: U(-bound, bound); for Linear/Conv weights and biases bound = 1/sqrt(fan_in), PyTorch's default,
 * which keeps activations O(1) through the residual, normalised blocks. Norm affines are 1 (weight) and
 * 0 (bias) plus a little noise so a dropped affine still changes the output.
 */
export type TensorInit =
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'norm-weight' }
  | { readonly kind: 'norm-bias' };

export interface TensorSpec {
  /** Full LDM key. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: TensorInit;
}

/** Std of CLIP's token/position embedding init (HF `CLIPTextEmbeddings`: normal, std 0.02), as a uniform bound. */
const EMBEDDING_BOUND = 0.02 * Math.sqrt(3);

class SpecList {
  readonly specs: TensorSpec[] = [];
  constructor(private readonly prefix: string) {}

  private add(name: string, shape: readonly number[], init: TensorInit): void {
    this.specs.push({ name: this.prefix + name, shape, init });
  }

  /** Linear (out, in) or Conv2d (out, in, k, k) with a bias unless `bias` is false. */
  layer(name: string, shape: readonly number[], bias = true): void {
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const init: TensorInit = { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
    this.add(`${name}.weight`, shape, init);
    if (bias) this.add(`${name}.bias`, [shape[0]!], init);
  }

  conv(name: string, cout: number, cin: number, kernel: number): void {
    this.layer(name, [cout, cin, kernel, kernel]);
  }

  /** GroupNorm / LayerNorm affine. */
  norm(name: string, channels: number): void {
    this.add(`${name}.weight`, [channels], { kind: 'norm-weight' });
    this.add(`${name}.bias`, [channels], { kind: 'norm-bias' });
  }

  embedding(name: string, rows: number, width: number): void {
    this.add(`${name}.weight`, [rows, width], { kind: 'uniform', bound: EMBEDDING_BOUND });
  }
}

export function sd1TensorSpecs(config: Sd1Config): TensorSpec[] {
  return [...unetTensorSpecs(config.unet), ...textTensorSpecs(config.text), ...vaeTensorSpecs(config.vae)];
}

export function unetTensorSpecs(c: Sd1UnetConfig): TensorSpec[] {
  const s = new SpecList(UNET_PREFIX);
  const timeDim = 4 * c.modelChannels;
  const resBlock = (p: string, cin: number, cout: number): void => {
    s.norm(`${p}.in_layers.0`, cin);
    s.conv(`${p}.in_layers.2`, cout, cin, 3);
    s.layer(`${p}.emb_layers.1`, [cout, timeDim]);
    s.norm(`${p}.out_layers.0`, cout);
    s.conv(`${p}.out_layers.3`, cout, cout, 3);
    if (cin !== cout) s.conv(`${p}.skip_connection`, cout, cin, 1);
  };
  const spatialTransformer = (p: string, ch: number): void => {
    s.norm(`${p}.norm`, ch);
    s.conv(`${p}.proj_in`, ch, ch, 1);
    for (let d = 0; d < c.transformerDepth; d++) {
      const b = `${p}.transformer_blocks.${d}`;
      for (const [attn, kvDim] of [['attn1', ch], ['attn2', c.contextDim]] as const) {
        s.layer(`${b}.${attn}.to_q`, [ch, ch], false);
        s.layer(`${b}.${attn}.to_k`, [ch, kvDim], false);
        s.layer(`${b}.${attn}.to_v`, [ch, kvDim], false);
        s.layer(`${b}.${attn}.to_out.0`, [ch, ch]);
      }
      s.layer(`${b}.ff.net.0.proj`, [ch * 8, ch]); // GEGLU: value and gate halves
      s.layer(`${b}.ff.net.2`, [ch, ch * 4]);
      for (const n of ['norm1', 'norm2', 'norm3']) s.norm(`${b}.${n}`, ch);
    }
    s.conv(`${p}.proj_out`, ch, ch, 1);
  };

  s.layer('time_embed.0', [timeDim, c.modelChannels]);
  s.layer('time_embed.2', [timeDim, timeDim]);
  s.conv('input_blocks.0.0', c.modelChannels, c.inChannels, 3);
  const skipChannels = [c.modelChannels];
  let ch = c.modelChannels;
  let block = 1;
  c.channelMult.forEach((mult, level) => {
    for (let j = 0; j < c.numResBlocks; j++, block++) {
      resBlock(`input_blocks.${block}.0`, ch, mult * c.modelChannels);
      ch = mult * c.modelChannels;
      if (c.attentionLevels.includes(level)) spatialTransformer(`input_blocks.${block}.1`, ch);
      skipChannels.push(ch);
    }
    if (level < c.channelMult.length - 1) {
      s.conv(`input_blocks.${block++}.0.op`, ch, ch, 3);
      skipChannels.push(ch);
    }
  });
  resBlock('middle_block.0', ch, ch);
  spatialTransformer('middle_block.1', ch);
  resBlock('middle_block.2', ch, ch);
  block = 0;
  for (let level = c.channelMult.length - 1; level >= 0; level--) {
    for (let j = 0; j <= c.numResBlocks; j++, block++) {
      const out = c.channelMult[level]! * c.modelChannels;
      resBlock(`output_blocks.${block}.0`, ch + skipChannels.pop()!, out);
      ch = out;
      let slot = 1;
      if (c.attentionLevels.includes(level)) spatialTransformer(`output_blocks.${block}.${slot++}`, ch);
      if (level > 0 && j === c.numResBlocks) s.conv(`output_blocks.${block}.${slot}.conv`, ch, ch, 3);
    }
  }
  s.norm('out.0', ch);
  s.conv('out.2', c.outChannels, ch, 3);
  return s.specs;
}

export function textTensorSpecs(c: Sd1TextConfig): TensorSpec[] {
  const s = new SpecList(TEXT_PREFIX);
  s.embedding('embeddings.token_embedding', c.vocab, c.width);
  s.embedding('embeddings.position_embedding', c.positions, c.width);
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layers.${l}`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) s.layer(`${p}.self_attn.${proj}`, [c.width, c.width]);
    s.norm(`${p}.layer_norm1`, c.width);
    s.layer(`${p}.mlp.fc1`, [c.mlp, c.width]);
    s.layer(`${p}.mlp.fc2`, [c.width, c.mlp]);
    s.norm(`${p}.layer_norm2`, c.width);
  }
  s.norm('final_layer_norm', c.width);
  return s.specs;
}

export function vaeTensorSpecs(c: Sd1VaeConfig): TensorSpec[] {
  const s = new SpecList(VAE_PREFIX);
  const resnet = (p: string, cin: number, cout: number): void => {
    s.norm(`${p}.norm1`, cin);
    s.conv(`${p}.conv1`, cout, cin, 3);
    s.norm(`${p}.norm2`, cout);
    s.conv(`${p}.conv2`, cout, cout, 3);
    if (cin !== cout) s.conv(`${p}.nin_shortcut`, cout, cin, 1);
  };
  const mid = (p: string, ch: number): void => {
    resnet(`${p}.mid.block_1`, ch, ch);
    s.norm(`${p}.mid.attn_1.norm`, ch);
    for (const proj of ['q', 'k', 'v', 'proj_out']) s.conv(`${p}.mid.attn_1.${proj}`, ch, ch, 1);
    resnet(`${p}.mid.block_2`, ch, ch);
  };
  const levels = c.chMult.length;
  const deepest = c.ch * c.chMult[levels - 1]!;

  s.conv('encoder.conv_in', c.ch, 3, 3);
  let ch = c.ch;
  c.chMult.forEach((mult, level) => {
    for (let j = 0; j < c.numResBlocks; j++) {
      resnet(`encoder.down.${level}.block.${j}`, ch, c.ch * mult);
      ch = c.ch * mult;
    }
    if (level < levels - 1) s.conv(`encoder.down.${level}.downsample.conv`, ch, ch, 3);
  });
  mid('encoder', ch);
  s.norm('encoder.norm_out', ch);
  s.conv('encoder.conv_out', 2 * c.zChannels, ch, 3); // mean and logvar (double_z)
  s.conv('quant_conv', 2 * c.zChannels, 2 * c.zChannels, 1); // embed_dim = z_channels in every SD1 VAE
  s.conv('post_quant_conv', c.zChannels, c.zChannels, 1);

  s.conv('decoder.conv_in', deepest, c.zChannels, 3);
  ch = deepest;
  mid('decoder', ch);
  for (let level = levels - 1; level >= 0; level--) {
    for (let j = 0; j <= c.numResBlocks; j++) {
      resnet(`decoder.up.${level}.block.${j}`, ch, c.ch * c.chMult[level]!);
      ch = c.ch * c.chMult[level]!;
    }
    if (level > 0) s.conv(`decoder.up.${level}.upsample.conv`, ch, ch, 3);
  }
  s.norm('decoder.norm_out', ch);
  s.conv('decoder.conv_out', 3, ch, 3);
  return s.specs;
}
