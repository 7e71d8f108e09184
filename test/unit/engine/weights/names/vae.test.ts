// VAE name table: known SD1.5 pairs, legacy attention spellings, 2-D -> 4-D attention shapes.

import { describe, expect, it } from 'vitest';
import { ldmVaeShape, vaeRules } from '../../../../../main/engine/weights/names/vae';

describe('VAE names', () => {
  const rules = vaeRules({ levels: 4, resBlocks: 2 });
  it.each([
    ['encoder.conv_norm_out.weight', 'encoder.norm_out.weight'],
    ['encoder.down_blocks.1.resnets.0.conv_shortcut.weight', 'encoder.down.1.block.0.nin_shortcut.weight'],
    ['encoder.down_blocks.2.downsamplers.0.conv.weight', 'encoder.down.2.downsample.conv.weight'],
    ['encoder.mid_block.resnets.0.norm1.bias', 'encoder.mid.block_1.norm1.bias'],
    ['encoder.mid_block.attentions.0.group_norm.weight', 'encoder.mid.attn_1.norm.weight'],
    ['encoder.mid_block.attentions.0.to_q.weight', 'encoder.mid.attn_1.q.weight'],
    ['decoder.mid_block.attentions.0.to_out.0.bias', 'decoder.mid.attn_1.proj_out.bias'],
    ['decoder.up_blocks.0.resnets.2.conv2.weight', 'decoder.up.3.block.2.conv2.weight'],
    ['decoder.up_blocks.2.upsamplers.0.conv.weight', 'decoder.up.1.upsample.conv.weight'],
    ['decoder.up_blocks.3.resnets.0.conv_shortcut.bias', 'decoder.up.0.block.0.nin_shortcut.bias'],
  ])('%s <-> %s', (diffusers, ldm) => {
    expect(rules.toLdm(diffusers)).toBe(ldm);
    expect(rules.toDiffusers(ldm)).toBe(diffusers);
  });

  it('reads the pre-0.14 attention spellings', () => {
    expect(rules.toLdm('decoder.mid_block.attentions.0.query.weight')).toBe('decoder.mid.attn_1.q.weight');
    expect(rules.toLdm('decoder.mid_block.attentions.0.key.bias')).toBe('decoder.mid.attn_1.k.bias');
    expect(rules.toLdm('decoder.mid_block.attentions.0.value.weight')).toBe('decoder.mid.attn_1.v.weight');
    expect(rules.toLdm('decoder.mid_block.attentions.0.proj_attn.weight')).toBe('decoder.mid.attn_1.proj_out.weight');
  });

  it('reshapes 2-D attention projections to 1x1 convolutions', () => {
    expect(ldmVaeShape('decoder.mid.attn_1.q.weight', [512, 512])).toEqual([512, 512, 1, 1]);
    expect(ldmVaeShape('first_stage_model.encoder.mid.attn_1.proj_out.weight', [512, 512])).toEqual([512, 512, 1, 1]);
    expect(ldmVaeShape('decoder.mid.attn_1.q.bias', [512])).toEqual([512]);
    expect(ldmVaeShape('decoder.mid.attn_1.q.weight', [512, 512, 1, 1])).toEqual([512, 512, 1, 1]);
  });
});
