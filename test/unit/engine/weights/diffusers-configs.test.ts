// Writing the diffusers layout: every LDM tensor maps to a distinct diffusers name that the readers'
// tables map back to the same LDM name and shape, for several architectures.

import { describe, expect, it } from 'vitest';
import { diffusersConfigFiles, diffusersLocationOf } from '../../../../main/engine/weights/diffusers-configs';
import { clipDiffusersToLdm } from '../../../../main/engine/weights/names/clip';
import { unetLayoutFromDiffusers, unetRules } from '../../../../main/engine/weights/names/unet';
import { ldmVaeShape, vaeLayoutFromDiffusers, vaeRules } from '../../../../main/engine/weights/names/vae';
import { SD15_CONFIG, TINY_CONFIG } from '../../../../main/engine/weights/sd1-config';
import type { Sd1Config } from '../../../../main/engine/weights/sd1-config';
import { sd1TensorSpecs } from '../../../../main/engine/weights/sd1-tensors';
import { MICRO_CONFIG } from '../../../fixtures/weights-files';

const DEMO_ARCH: Sd1Config = {
  ...TINY_CONFIG,
  unet: { ...TINY_CONFIG.unet, modelChannels: 64, channelMult: [1, 2, 2], attentionLevels: [0, 1] },
};

describe('round trip LDM -> diffusers -> LDM', () => {
  it.each([['SD1.5', SD15_CONFIG], ['tiny', TINY_CONFIG], ['demo architecture', DEMO_ARCH], ['micro', MICRO_CONFIG]] as const)(
    '%s: every tensor maps to a distinct diffusers name and back', (_, config) => {
      const specs = sd1TensorSpecs(config);
      const locate = diffusersLocationOf(config);
      const located = specs.map((s) => ({ ldm: s.name, ldmShape: s.shape, ...locate(s.name, s.shape) }));
      for (const component of ['unet', 'text_encoder', 'vae'] as const) {
        const mine = located.filter((l) => l.component === component);
        expect(new Set(mine.map((l) => l.name)).size).toBe(mine.length);
        const names = mine.map((l) => l.name);
        for (const l of mine) {
          if (component === 'unet') {
            expect(`model.diffusion_model.${unetRules(unetLayoutFromDiffusers(names)).toLdm(l.name)}`).toBe(l.ldm);
          } else if (component === 'vae') {
            const ldm = vaeRules(vaeLayoutFromDiffusers(names)).toLdm(l.name) ?? l.name;
            expect(`first_stage_model.${ldm}`).toBe(l.ldm);
            expect(ldmVaeShape(ldm, l.shape)).toEqual(l.ldmShape);
          } else {
            expect(clipDiffusersToLdm(l.name)).toBe(l.ldm);
          }
        }
      }
      const vaeAttention = located.find((l) => l.ldm === 'first_stage_model.decoder.mid.attn_1.q.weight')!;
      expect(vaeAttention.name).toBe('decoder.mid_block.attentions.0.to_q.weight');
      expect(vaeAttention.shape).toHaveLength(2);
    });
});

describe('diffusers config files', () => {
  it('describe the SD1.5 architecture the way the runwayml repository does', () => {
    const files = diffusersConfigFiles(SD15_CONFIG, false) as Record<string, Record<string, unknown>>;
    expect(files['unet/config.json']).toMatchObject({
      block_out_channels: [320, 640, 1280, 1280], layers_per_block: 2, cross_attention_dim: 768, attention_head_dim: 8,
      down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
      up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
    });
    expect(files['vae/config.json']).toMatchObject({ block_out_channels: [128, 256, 512, 512], layers_per_block: 2, latent_channels: 4 });
    expect(files['text_encoder/config.json']).toMatchObject({ hidden_size: 768, num_hidden_layers: 12, intermediate_size: 3072 });
    expect(files['model_index.json']).not.toHaveProperty('tokenizer');
  });
});
