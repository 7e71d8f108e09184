// VAE key names: diffusers `AutoencoderKL` <-> LDM `AutoencoderKL` (`first_stage_model.*`).
// Ref: diffusers scripts/convert_diffusers_to_original_stable_diffusion.py (`vae_conversion_map*`), generalised
// to any level count / res block count. Diffusers stores the mid-block attention projections as Linear
// (2-D) weights where LDM has 1x1 convolutions (4-D): same bytes, different shape (see `ldmVaeShape`).

import { PrefixRules, countOf } from './prefix-rules';
import type { PrefixRule, RenamePair } from './prefix-rules';

export { VAE_PREFIX } from './prefixes';

export interface VaeLayout {
  readonly levels: number;
  readonly resBlocks: number;
}

const RESNET: readonly RenamePair[] = [['nin_shortcut.', 'conv_shortcut.']];

// Current diffusers names first (used when writing), then the pre-0.14 spellings still found in old folders.
const ATTENTION: readonly RenamePair[] = [
  ['norm.', 'group_norm.'],
  ['q.', 'to_q.'],
  ['k.', 'to_k.'],
  ['v.', 'to_v.'],
  ['proj_out.', 'to_out.0.'],
  ['q.', 'query.'],
  ['k.', 'key.'],
  ['v.', 'value.'],
  ['proj_out.', 'proj_attn.'],
];

// Matches the name with or without the `first_stage_model.` prefix.
const ATTENTION_PROJECTION = /(?:^|\.)(?:encoder|decoder)\.mid\.attn_1\.(?:q|k|v|proj_out)\.weight$/;

/** Rules relative to `first_stage_model.` (LDM) and to the diffusers `vae/` file. */
export function vaeRules({ levels, resBlocks }: VaeLayout): PrefixRules {
  const rules: PrefixRule[] = [];
  for (const part of ['encoder', 'decoder']) {
    rules.push({ ldm: `${part}.norm_out.`, diffusers: `${part}.conv_norm_out.` });
    rules.push({ ldm: `${part}.mid.block_1.`, diffusers: `${part}.mid_block.resnets.0.`, inner: RESNET });
    rules.push({ ldm: `${part}.mid.attn_1.`, diffusers: `${part}.mid_block.attentions.0.`, inner: ATTENTION });
    rules.push({ ldm: `${part}.mid.block_2.`, diffusers: `${part}.mid_block.resnets.1.`, inner: RESNET });
  }
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < resBlocks; j++) {
      rules.push({ ldm: `encoder.down.${i}.block.${j}.`, diffusers: `encoder.down_blocks.${i}.resnets.${j}.`, inner: RESNET });
    }
    if (i < levels - 1) rules.push({ ldm: `encoder.down.${i}.downsample.`, diffusers: `encoder.down_blocks.${i}.downsamplers.0.` });
    // diffusers numbers decoder up blocks from the deepest level: up_blocks.i is LDM up.(levels-1-i).
    const level = levels - 1 - i;
    for (let j = 0; j <= resBlocks; j++) {
      rules.push({ ldm: `decoder.up.${level}.block.${j}.`, diffusers: `decoder.up_blocks.${i}.resnets.${j}.`, inner: RESNET });
    }
    if (level > 0) rules.push({ ldm: `decoder.up.${level}.upsample.`, diffusers: `decoder.up_blocks.${i}.upsamplers.0.` });
  }
  return new PrefixRules(rules);
}

export function vaeLayoutFromDiffusers(names: readonly string[]): VaeLayout {
  return {
    levels: countOf(names, /^encoder\.down_blocks\.(\d+)\./),
    resBlocks: countOf(names, /^encoder\.down_blocks\.\d+\.resnets\.(\d+)\./),
  };
}

/** LDM shape of a VAE tensor given its diffusers shape: attention projections become 1x1 convs. */
export function ldmVaeShape(ldmName: string, shape: readonly number[]): readonly number[] {
  return ATTENTION_PROJECTION.test(ldmName) && shape.length === 2 ? [...shape, 1, 1] : shape;
}

/** Diffusers shape of a VAE tensor given its LDM shape (the inverse of `ldmVaeShape`). */
export function diffusersVaeShape(ldmName: string, shape: readonly number[]): readonly number[] {
  return ATTENTION_PROJECTION.test(ldmName) && shape.length === 4 ? shape.slice(0, 2) : shape;
}
