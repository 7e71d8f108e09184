// Which model family a checkpoint is, from its tensor names and shapes alone, with a refusal that says what
// the file is when it is not an SD 1.x / 2.x text-to-image model. SD 2.x is told apart by its OpenCLIP text
// encoder (`cond_stage_model.model.*`). Sizes are not checked against SD1.5: any
// SD1-architecture model (the tiny reference, the demo model) is 'sd1'.
// Ref: stable-diffusion.cpp src/model.cpp `ModelLoader::get_sd_version` (sentinel keys and conv_in channels);
// ComfyUI comfy/model_detection.py (context_dim 1024 = SD2, label_emb / conditioner = SDXL).

import { EngineError } from '../errors';
import { OPEN_CLIP_PREFIX, TEXT_PREFIX, UNET_PREFIX, VAE_PREFIX } from './names/prefixes';
import type { TensorIndex } from './tensor-index';
import type { ModelFamily } from '../../../preload/contract/vocabulary';

export type { ModelFamily };

/** Tensors whose absence means a part is missing or incomplete (one per kind of block the graph needs). */
interface RequiredPart { readonly part: string; readonly prefix: string; readonly keys: readonly string[] }

const SD1_TEXT: RequiredPart = {
  part: 'text encoder', prefix: TEXT_PREFIX,
  keys: ['embeddings.token_embedding.weight', 'embeddings.position_embedding.weight',
    'encoder.layers.0.self_attn.q_proj.weight', 'final_layer_norm.weight'],
};
const SD2_TEXT: RequiredPart = {
  part: 'OpenCLIP text encoder', prefix: OPEN_CLIP_PREFIX,
  keys: ['token_embedding.weight', 'positional_embedding', 'transformer.resblocks.0.attn.in_proj_weight',
    'transformer.resblocks.1.attn.in_proj_weight', 'ln_final.weight'],
};

const SUPPORTED = 'DaTo Studio runs Stable Diffusion 1.x and 2.x models.';

const UNET_PART: RequiredPart = {
  part: 'UNet', prefix: UNET_PREFIX,
  keys: ['time_embed.0.weight', 'input_blocks.0.0.weight', 'middle_block.0.in_layers.2.weight',
    'middle_block.1.transformer_blocks.0.attn2.to_k.weight', 'middle_block.2.in_layers.2.weight', 'out.2.weight'],
};
const VAE_PART: RequiredPart = {
  part: 'VAE decoder', prefix: VAE_PREFIX,
  keys: ['post_quant_conv.weight', 'decoder.conv_in.weight', 'decoder.mid.attn_1.q.weight', 'decoder.conv_out.weight'],
};

export function detectFamily(index: TensorIndex): ModelFamily {
  const names = [...index.tensors.keys()];
  const has = (pattern: RegExp): boolean => names.some((n) => pattern.test(n));
  const shapeOf = (name: string): readonly number[] | undefined => index.tensors.get(name)?.shape;
  const model = `"${index.source.path}"`;
  const unsupported = (what: string, advice = SUPPORTED): EngineError =>
    new EngineError('model-unsupported', `${model} looks like ${what}. ${advice}`);

  if (has(/^conditioner\.embedders\./) || has(/^model\.diffusion_model\.(label_emb|add_embedding)\./)) {
    throw unsupported('a Stable Diffusion XL model (two text encoders, size/crop conditioning)',
      `${SUPPORTED} SDXL needs a second text encoder and size conditioning, which are not implemented.`);
  }
  const family: ModelFamily = names.some((n) => n.startsWith(OPEN_CLIP_PREFIX)) ? 'sd2' : 'sd1';
  const text = family === 'sd2' ? SD2_TEXT : SD1_TEXT;
  const contextDim = shapeOf(`${UNET_PREFIX}middle_block.1.transformer_blocks.0.attn2.to_k.weight`)?.[1];
  const textWidth = family === 'sd2'
    ? shapeOf(`${OPEN_CLIP_PREFIX}token_embedding.weight`)?.[1]
    : shapeOf(`${TEXT_PREFIX}embeddings.token_embedding.weight`)?.[1];
  if (family === 'sd1' && (contextDim === 1024 || textWidth === 1024)) {
    // diffusers stores SD 2.x's OpenCLIP as a Hugging Face CLIPTextModel with the last layer dropped
    throw unsupported('a Stable Diffusion 2.x model in the diffusers layout (1024-wide text features)',
      'DaTo Studio reads SD 2.x from its single .safetensors file (the one with cond_stage_model.model.* keys); open that file instead.');
  }
  const inChannels = shapeOf(`${UNET_PREFIX}input_blocks.0.0.weight`)?.[1];
  // 4: text-to-image; 9: inpainting (latent + mask + masked-image latent, pipeline/img2img.ts feeds the extra channels)
  if (inChannels !== undefined && inChannels !== 4 && inChannels !== 9) {
    const what = inChannels === 8 ? 'an InstructPix2Pix-style image-editing model (its UNet takes 8 input channels)'
      : `a modified Stable Diffusion UNet with ${inChannels} input channels (text-to-image models take 4)`;
    throw unsupported(what, 'DaTo Studio runs Stable Diffusion 1.x and 2.x text-to-image models only.');
  }
  // Two SD parts without a UNet is a broken checkpoint; one part or none is some other kind of file.
  const partsPresent = [UNET_PART, SD1_TEXT, SD2_TEXT, VAE_PART].filter(({ prefix }) => names.some((n) => n.startsWith(prefix))).length;
  if (!names.some((n) => n.startsWith(UNET_PREFIX)) && partsPresent < 2) {
    throw unsupported(describeNonCheckpoint(names), 'Choose a full Stable Diffusion 1.x or 2.x checkpoint.');
  }

  for (const { part, prefix, keys } of [UNET_PART, text, VAE_PART]) {
    const missing = keys.filter((k) => !index.tensors.has(prefix + k));
    if (missing.length === keys.length) {
      throw new EngineError('model-incomplete', `${model} has no ${part}, so it cannot generate images. Use a full Stable Diffusion checkpoint.`);
    }
    if (missing.length > 0) {
      throw new EngineError('model-incomplete', `${model} has an incomplete ${part} (missing ${missing.map((k) => prefix + k).join(', ')}).`);
    }
  }
  if (contextDim !== textWidth) {
    throw new EngineError('model-incomplete',
      `${model} does not fit together: its UNet expects text features of width ${contextDim} but its text encoder produces ${textWidth}.`);
  }
  return family;
}

/** What a file without a UNet looks like, for the refusal message. */
function describeNonCheckpoint(names: readonly string[]): string {
  const any = (pattern: RegExp): boolean => names.some((n) => pattern.test(n));
  if (names.length === 0) return 'an empty file (it holds no weights)';
  if (any(/lora/i)) return `a LoRA (${names.length} low-rank adapter tensors), not a full checkpoint; LoRAs are applied on top of a checkpoint`;
  if (any(/^control_model\.|input_hint_block|controlnet_cond_embedding/)) return 'a ControlNet, not a full checkpoint';
  if (any(/^(emb_params|string_to_param\.|clip_[lg])/)) return 'a textual-inversion embedding, not a full checkpoint';
  const vaeOnly = names.every((n) => n.startsWith(VAE_PREFIX) || /^(encoder|decoder|quant_conv|post_quant_conv)\./.test(n));
  if (vaeOnly && any(/(^|\.)decoder\./)) return 'a standalone VAE (autoencoder only), not a full checkpoint';
  if (names.every((n) => n.startsWith(TEXT_PREFIX))) return 'a text encoder only, not a full checkpoint';
  const sample = names.slice(0, 3).join(', ');
  return `something other than a Stable Diffusion checkpoint: none of its ${names.length} tensors belongs to a UNet (first names: ${sample})`;
}
