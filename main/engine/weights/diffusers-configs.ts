// The JSON files of a diffusers Stable Diffusion folder, for an SD1-architecture config, and the mapping of
// LDM tensor names to each component's diffusers names. Used to write diffusers-layout test checkpoints;
// the reader (diffusers-folder.ts) relies on tensor names only and treats these files as data.
// Ref: diffusers UNet2DConditionModel / AutoencoderKL configs; transformers CLIPTextConfig; the
// runwayml/stable-diffusion-v1-5 repository's model_index.json and scheduler_config.json.

import type { Sd1Config } from './sd1-config';
import { TEXT_PREFIX, clipLdmToDiffusers } from './names/clip';
import { UNET_PREFIX, unetRules } from './names/unet';
import type { UnetLayout } from './names/unet';
import { VAE_PREFIX, diffusersVaeShape, vaeRules } from './names/vae';

export type DiffusersComponent = 'unet' | 'text_encoder' | 'vae';

export const DIFFUSERS_WEIGHTS_FILE: Record<DiffusersComponent, string> = {
  unet: 'diffusion_pytorch_model.safetensors',
  text_encoder: 'model.safetensors',
  vae: 'diffusion_pytorch_model.safetensors',
};

export function unetLayoutOf(config: Sd1Config): UnetLayout {
  const { channelMult, numResBlocks, attentionLevels } = config.unet;
  return {
    levels: channelMult.length,
    resBlocks: numResBlocks,
    attention: channelMult.map((_, level) => attentionLevels.includes(level)),
  };
}

/** Where an LDM tensor goes in a diffusers folder: component, diffusers name and diffusers shape. */
export function diffusersLocationOf(config: Sd1Config): (ldmName: string, shape: readonly number[]) =>
    { component: DiffusersComponent; name: string; shape: readonly number[] } {
  const unet = unetRules(unetLayoutOf(config));
  const vae = vaeRules({ levels: config.vae.chMult.length, resBlocks: config.vae.numResBlocks });
  return (ldmName, shape) => {
    if (ldmName.startsWith(UNET_PREFIX)) {
      return { component: 'unet', name: mapped(unet.toDiffusers(ldmName.slice(UNET_PREFIX.length)), ldmName), shape };
    }
    if (ldmName.startsWith(TEXT_PREFIX)) return { component: 'text_encoder', name: clipLdmToDiffusers(ldmName), shape };
    if (ldmName.startsWith(VAE_PREFIX)) {
      const relative = ldmName.slice(VAE_PREFIX.length);
      // quant_conv, post_quant_conv, conv_in and conv_out keep their names.
      return { component: 'vae', name: vae.toDiffusers(relative) ?? relative, shape: diffusersVaeShape(relative, shape) };
    }
    throw new Error(`not an SD1 tensor: ${ldmName}`);
  };
}

function mapped(name: string | undefined, ldmName: string): string {
  if (name === undefined) throw new Error(`no diffusers name for ${ldmName}`);
  return name;
}

export function diffusersConfigFiles(config: Sd1Config, withTokenizer: boolean): Record<string, unknown> {
  const { unet, text, vae } = config;
  const layout = unetLayoutOf(config);
  const levels = layout.levels;
  const version = '0.30.0';
  return {
    'model_index.json': {
      _class_name: 'StableDiffusionPipeline',
      _diffusers_version: version,
      feature_extractor: [null, null],
      requires_safety_checker: false,
      safety_checker: [null, null],
      scheduler: ['diffusers', 'PNDMScheduler'],
      text_encoder: ['transformers', 'CLIPTextModel'],
      ...(withTokenizer ? { tokenizer: ['transformers', 'CLIPTokenizer'] } : {}),
      unet: ['diffusers', 'UNet2DConditionModel'],
      vae: ['diffusers', 'AutoencoderKL'],
    },
    'scheduler/scheduler_config.json': {
      _class_name: 'PNDMScheduler', _diffusers_version: version, beta_end: 0.012, beta_schedule: 'scaled_linear',
      beta_start: 0.00085, clip_sample: false, num_train_timesteps: 1000, prediction_type: 'epsilon',
      set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1,
    },
    'unet/config.json': {
      _class_name: 'UNet2DConditionModel', _diffusers_version: version, act_fn: 'silu',
      attention_head_dim: unet.numHeads, // diffusers' historical name for the head count in SD1 configs
      block_out_channels: unet.channelMult.map((m) => m * unet.modelChannels),
      center_input_sample: false, cross_attention_dim: unet.contextDim,
      down_block_types: layout.attention.map((a) => (a ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
      downsample_padding: 1, flip_sin_to_cos: true, freq_shift: 0, in_channels: unet.inChannels,
      layers_per_block: unet.numResBlocks, mid_block_scale_factor: 1, norm_eps: 1e-5, norm_num_groups: 32,
      out_channels: unet.outChannels, sample_size: 64, transformer_layers_per_block: unet.transformerDepth,
      up_block_types: layout.attention.map((_, i) => (layout.attention[levels - 1 - i] ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    },
    'text_encoder/config.json': {
      architectures: ['CLIPTextModel'], model_type: 'clip_text_model', hidden_act: 'quick_gelu',
      hidden_size: text.width, intermediate_size: text.mlp, layer_norm_eps: 1e-5,
      max_position_embeddings: text.positions, num_attention_heads: text.heads, num_hidden_layers: text.layers,
      vocab_size: text.vocab, bos_token_id: 49406, eos_token_id: 49407, pad_token_id: 49407, torch_dtype: 'float32',
    },
    'vae/config.json': {
      _class_name: 'AutoencoderKL', _diffusers_version: version, act_fn: 'silu',
      block_out_channels: vae.chMult.map((m) => m * vae.ch),
      down_block_types: vae.chMult.map(() => 'DownEncoderBlock2D'),
      up_block_types: vae.chMult.map(() => 'UpDecoderBlock2D'),
      in_channels: 3, out_channels: 3, latent_channels: vae.zChannels, layers_per_block: vae.numResBlocks,
      norm_num_groups: 32, sample_size: 512, scaling_factor: 0.18215,
    },
  };
}
