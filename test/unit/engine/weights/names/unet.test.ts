// UNet name table: known SD1.5 pairs (runwayml/stable-diffusion-v1-5 diffusers folder vs v1-5-pruned-emaonly).

import { describe, expect, it } from 'vitest';
import { unetLayoutOf } from '../../../../../main/engine/weights/diffusers-configs';
import { unetRules } from '../../../../../main/engine/weights/names/unet';
import { SD15_CONFIG, TINY_CONFIG } from '../../../../../main/engine/weights/sd1-config';
import type { Sd1Config } from '../../../../../main/engine/weights/sd1-config';

const DEMO_ARCH: Sd1Config = {
  ...TINY_CONFIG,
  unet: { ...TINY_CONFIG.unet, modelChannels: 64, channelMult: [1, 2, 2], attentionLevels: [0, 1] },
};

describe('UNet names', () => {
  const rules = unetRules(unetLayoutOf(SD15_CONFIG));
  it.each([
    ['time_embedding.linear_1.weight', 'time_embed.0.weight'],
    ['time_embedding.linear_2.bias', 'time_embed.2.bias'],
    ['conv_in.weight', 'input_blocks.0.0.weight'],
    ['conv_norm_out.bias', 'out.0.bias'],
    ['conv_out.weight', 'out.2.weight'],
    ['down_blocks.0.resnets.0.norm1.weight', 'input_blocks.1.0.in_layers.0.weight'],
    ['down_blocks.0.attentions.1.proj_in.weight', 'input_blocks.2.1.proj_in.weight'],
    ['down_blocks.1.resnets.0.conv_shortcut.weight', 'input_blocks.4.0.skip_connection.weight'],
    ['down_blocks.2.downsamplers.0.conv.weight', 'input_blocks.9.0.op.weight'],
    ['down_blocks.3.resnets.1.time_emb_proj.bias', 'input_blocks.11.0.emb_layers.1.bias'],
    ['mid_block.resnets.1.conv2.weight', 'middle_block.2.out_layers.3.weight'],
    ['mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight', 'middle_block.1.transformer_blocks.0.ff.net.0.proj.weight'],
    ['up_blocks.0.resnets.2.conv1.weight', 'output_blocks.2.0.in_layers.2.weight'],
    ['up_blocks.0.upsamplers.0.conv.weight', 'output_blocks.2.1.conv.weight'],
    ['up_blocks.1.attentions.0.norm.weight', 'output_blocks.3.1.norm.weight'],
    ['up_blocks.1.upsamplers.0.conv.bias', 'output_blocks.5.2.conv.bias'],
    ['up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_k.weight', 'output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight'],
    ['up_blocks.3.resnets.2.norm2.weight', 'output_blocks.11.0.out_layers.0.weight'],
  ])('%s <-> %s', (diffusers, ldm) => {
    expect(rules.toLdm(diffusers)).toBe(ldm);
    expect(rules.toDiffusers(ldm)).toBe(diffusers);
  });

  it('leaves names outside the SD1 structure unmatched (SDXL add_embedding)', () => {
    expect(rules.toLdm('add_embedding.linear_1.weight')).toBeUndefined();
  });

  it('puts the upsampler after the resnet when a level has no attention', () => {
    const demo = unetRules(unetLayoutOf(DEMO_ARCH));
    expect(demo.toLdm('up_blocks.0.upsamplers.0.conv.weight')).toBe('output_blocks.2.1.conv.weight');
    expect(demo.toLdm('up_blocks.1.upsamplers.0.conv.weight')).toBe('output_blocks.5.2.conv.weight');
    expect(demo.toLdm('up_blocks.0.attentions.0.norm.weight')).toBeUndefined();
  });
});
