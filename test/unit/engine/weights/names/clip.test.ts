import { describe, expect, it } from 'vitest';
import { canonicalSingleFileName, clipDiffusersToLdm } from '../../../../../main/engine/weights/names/clip';

describe('CLIP names', () => {
  it('nests diffusers text_encoder names under cond_stage_model.transformer', () => {
    expect(clipDiffusersToLdm('text_model.encoder.layers.0.mlp.fc1.weight')).toBe('cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight');
  });
  it('rewrites legacy single-file CLIP keys without text_model', () => {
    expect(canonicalSingleFileName('cond_stage_model.transformer.encoder.layers.3.self_attn.k_proj.bias'))
      .toBe('cond_stage_model.transformer.text_model.encoder.layers.3.self_attn.k_proj.bias');
    expect(canonicalSingleFileName('cond_stage_model.transformer.final_layer_norm.weight'))
      .toBe('cond_stage_model.transformer.text_model.final_layer_norm.weight');
    expect(canonicalSingleFileName('model.diffusion_model.out.2.weight')).toBe('model.diffusion_model.out.2.weight');
  });
});
