// UNet key names: diffusers `UNet2DConditionModel` <-> LDM `openaimodel.UNetModel` (`model.diffusion_model.*`).
// Ref: diffusers scripts/convert_diffusers_to_original_stable_diffusion.py (`unet_conversion_map*`), generalised
// from its hard-coded SD1.5 shape (4 levels, 2 res blocks, attention in levels 0-2) to any SD1-style UNet.

import { PrefixRules, countOf, indicesIn } from './prefix-rules';
import type { PrefixRule, RenamePair } from './prefix-rules';

export { UNET_PREFIX } from './prefixes';

/** What decides the block numbering: levels (channel_mult entries), res blocks per level, attention per level. */
export interface UnetLayout {
  readonly levels: number;
  readonly resBlocks: number;
  readonly attention: readonly boolean[];
}

const RESNET: readonly RenamePair[] = [
  ['in_layers.0.', 'norm1.'],
  ['in_layers.2.', 'conv1.'],
  ['out_layers.0.', 'norm2.'],
  ['out_layers.3.', 'conv2.'],
  ['emb_layers.1.', 'time_emb_proj.'],
  ['skip_connection.', 'conv_shortcut.'],
];

/** Rules relative to `model.diffusion_model.` (LDM) and to the diffusers `unet/` file. */
export function unetRules({ levels, resBlocks, attention }: UnetLayout): PrefixRules {
  const rules: PrefixRule[] = [
    { ldm: 'time_embed.0.', diffusers: 'time_embedding.linear_1.' },
    { ldm: 'time_embed.2.', diffusers: 'time_embedding.linear_2.' },
    { ldm: 'input_blocks.0.0.', diffusers: 'conv_in.' },
    { ldm: 'out.0.', diffusers: 'conv_norm_out.' },
    { ldm: 'out.2.', diffusers: 'conv_out.' },
  ];
  const perLevel = resBlocks + 1; // res blocks plus one down- (input side) or extra res block (output side)
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < resBlocks; j++) {
      const block = 1 + perLevel * i + j;
      rules.push({ ldm: `input_blocks.${block}.0.`, diffusers: `down_blocks.${i}.resnets.${j}.`, inner: RESNET });
      if (attention[i]) rules.push({ ldm: `input_blocks.${block}.1.`, diffusers: `down_blocks.${i}.attentions.${j}.` });
    }
    if (i < levels - 1) {
      rules.push({ ldm: `input_blocks.${perLevel * (i + 1)}.0.op.`, diffusers: `down_blocks.${i}.downsamplers.0.conv.` });
    }
    // diffusers numbers up blocks from the deepest level: up_blocks.i is LDM level levels-1-i.
    const level = levels - 1 - i;
    for (let j = 0; j < perLevel; j++) {
      const block = perLevel * i + j;
      rules.push({ ldm: `output_blocks.${block}.0.`, diffusers: `up_blocks.${i}.resnets.${j}.`, inner: RESNET });
      if (attention[level]) rules.push({ ldm: `output_blocks.${block}.1.`, diffusers: `up_blocks.${i}.attentions.${j}.` });
    }
    if (level > 0) {
      const upsampleSlot = attention[level] ? 2 : 1;
      rules.push({ ldm: `output_blocks.${perLevel * i + resBlocks}.${upsampleSlot}.`, diffusers: `up_blocks.${i}.upsamplers.0.` });
    }
  }
  rules.push({ ldm: 'middle_block.0.', diffusers: 'mid_block.resnets.0.', inner: RESNET });
  rules.push({ ldm: 'middle_block.1.', diffusers: 'mid_block.attentions.0.' });
  rules.push({ ldm: 'middle_block.2.', diffusers: 'mid_block.resnets.1.', inner: RESNET });
  return new PrefixRules(rules);
}

/** The layout of a diffusers UNet, read from its tensor names (names are the truth, config.json is not needed). */
export function unetLayoutFromDiffusers(names: readonly string[]): UnetLayout {
  const levels = countOf(names, /^down_blocks\.(\d+)\./);
  const withAttention = indicesIn(names, /^down_blocks\.(\d+)\.attentions\./);
  return {
    levels,
    resBlocks: countOf(names, /^down_blocks\.\d+\.resnets\.(\d+)\./),
    attention: Array.from({ length: levels }, (_, i) => withAttention.has(i)),
  };
}
