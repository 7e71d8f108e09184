// detect.ts on synthetic key sets: SD1 of any size (and SD1 inpainting) and single-file SD2 are accepted; SDXL,
// diffusers-layout SD2, other UNet inputs and non-checkpoints are refused with a message that says what the file
// is; partial files name the missing part.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { detectFamily } from '../../../../main/engine/weights/detect';
import { SD15_CONFIG, TINY_CONFIG } from '../../../../main/engine/weights/sd1-config';
import { sd1TensorSpecs } from '../../../../main/engine/weights/sd1-tensors';
import type { TensorIndex } from '../../../../main/engine/weights/tensor-index';
import { MICRO_CONFIG, syntheticIndex } from '../../../fixtures/weights-files';

type Tensors = [string, readonly number[]][];
const sd15 = (): Tensors => sd1TensorSpecs(SD15_CONFIG).map((s) => [s.name, s.shape]);

function refusal(index: TensorIndex): EngineError {
  try {
    detectFamily(index);
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected detectFamily to refuse');
}

describe('detectFamily', () => {
  it.each([['SD1.5', SD15_CONFIG], ['tiny', TINY_CONFIG], ['micro', MICRO_CONFIG]] as const)('accepts %s as sd1', (_, config) => {
    expect(detectFamily(syntheticIndex(sd1TensorSpecs(config).map((s) => [s.name, s.shape])))).toBe('sd1');
  });

  it('refuses SDXL (conditioner.embedders, label_emb)', () => {
    const tensors: Tensors = sd15().filter(([n]) => !n.startsWith('cond_stage_model.'));
    tensors.push(['conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight', [49408, 768]]);
    tensors.push(['conditioner.embedders.1.model.token_embedding.weight', [49408, 1280]]);
    tensors.push(['model.diffusion_model.label_emb.0.0.weight', [1280, 2816]]);
    const err = refusal(syntheticIndex(tensors));
    expect(err.code).toBe('model-unsupported');
    expect(err.message).toMatch(/Stable Diffusion XL/);
  });

  it('refuses a diffusers SDXL UNet (add_embedding passed through)', () => {
    const err = refusal(syntheticIndex([...sd15(), ['model.diffusion_model.add_embedding.linear_1.weight', [1280, 2816]]]));
    expect(err.message).toMatch(/Stable Diffusion XL/);
  });

  // SD 2.x single file: OpenCLIP keys, UNet context 1024
  const sd2 = (): Tensors => {
    const tensors: Tensors = sd15().filter(([n]) => !n.startsWith('cond_stage_model.'))
      .map(([n, s]): [string, readonly number[]] => (n.endsWith('attn2.to_k.weight') ? [n, [s[0]!, 1024]] : [n, s]));
    tensors.push(['cond_stage_model.model.token_embedding.weight', [49408, 1024]], ['cond_stage_model.model.positional_embedding', [77, 1024]],
      ['cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight', [3072, 1024]],
      ['cond_stage_model.model.transformer.resblocks.1.attn.in_proj_weight', [3072, 1024]],
      ['cond_stage_model.model.ln_final.weight', [1024]]);
    return tensors;
  };

  it('accepts SD 2.x by its OpenCLIP text encoder keys', () => {
    expect(detectFamily(syntheticIndex(sd2()))).toBe('sd2');
  });

  it('names what an SD 2.x file lacks', () => {
    const err = refusal(syntheticIndex(sd2().filter(([n]) => n !== 'cond_stage_model.model.ln_final.weight')));
    expect(err.code).toBe('model-incomplete');
    expect(err.message).toMatch(/incomplete OpenCLIP text encoder \(missing cond_stage_model\.model\.ln_final\.weight\)/);
  });

  it('refuses SD 2.x in diffusers form by its 1024-wide context, pointing to the single file', () => {
    const tensors = sd15().map(([n, s]): [string, readonly number[]] => (n.endsWith('attn2.to_k.weight') ? [n, [s[0]!, 1024]] : [n, s]));
    const err = refusal(syntheticIndex(tensors));
    expect(err.message).toMatch(/Stable Diffusion 2\.x model in the diffusers layout/);
    expect(err.message).toMatch(/single \.safetensors file/);
  });

  it('accepts SD1 inpainting (9 input channels), refuses other input widths', () => {
    const withInput = (c: number): TensorIndex => syntheticIndex(sd15().map(([n, s]): [string, readonly number[]] =>
      (n === 'model.diffusion_model.input_blocks.0.0.weight' ? [n, [320, c, 3, 3]] : [n, s])));
    expect(detectFamily(withInput(9))).toBe('sd1');
    expect(refusal(withInput(8)).message).toMatch(/InstructPix2Pix/);
    expect(refusal(withInput(5)).message).toMatch(/5 input channels/);
  });

  it('says what a LoRA, a standalone VAE, an embedding, a ControlNet and an unknown file are', () => {
    const lora = refusal(syntheticIndex([
      ['lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [4, 320, 1, 1]],
      ['lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [320, 4, 1, 1]],
      ['lora_unet_down_blocks_0_attentions_0_proj_in.alpha', []],
    ]));
    expect(lora.code).toBe('model-unsupported');
    expect(lora.message).toMatch(/a LoRA \(3 low-rank adapter tensors\)/);

    const vae = sd1TensorSpecs(SD15_CONFIG).filter((s) => s.name.startsWith('first_stage_model.'));
    expect(refusal(syntheticIndex(vae.map((s) => [s.name.slice('first_stage_model.'.length), s.shape]))).message).toMatch(/standalone VAE/);
    expect(refusal(syntheticIndex(vae.map((s) => [s.name, s.shape]))).message).toMatch(/standalone VAE/);
    expect(refusal(syntheticIndex([['emb_params', [2, 768]]])).message).toMatch(/textual-inversion embedding/);
    expect(refusal(syntheticIndex([['control_model.input_hint_block.0.weight', [16, 3, 3, 3]]])).message).toMatch(/ControlNet/);
    expect(refusal(syntheticIndex([])).message).toMatch(/empty file/);
    const other = refusal(syntheticIndex([['encoder.layer.0.weight', [8, 8]], ['head.bias', [8]]]));
    expect(other.message).toMatch(/other than a Stable Diffusion checkpoint.*first names: encoder\.layer\.0\.weight, head\.bias/);
  });

  it.each([
    ['UNet', 'model.diffusion_model.'],
    ['text encoder', 'cond_stage_model.'],
    ['VAE decoder', 'first_stage_model.'],
  ])('names a missing %s as model-incomplete', (part, prefix) => {
    const err = refusal(syntheticIndex(sd15().filter(([n]) => !n.startsWith(prefix))));
    expect(err.code).toBe('model-incomplete');
    expect(err.message).toContain(`has no ${part}`);
  });

  it('names the missing tensor of an incomplete part', () => {
    const err = refusal(syntheticIndex(sd15().filter(([n]) => n !== 'first_stage_model.decoder.conv_out.weight')));
    expect(err.code).toBe('model-incomplete');
    expect(err.message).toMatch(/incomplete VAE decoder \(missing first_stage_model\.decoder\.conv_out\.weight\)/);
  });

  it('refuses a UNet and text encoder that do not fit together', () => {
    const tensors = sd15().map(([n, s]): [string, readonly number[]] =>
      (n.endsWith('token_embedding.weight') ? [n, [49408, 512]] : [n, s]));
    const err = refusal(syntheticIndex(tensors));
    expect(err.code).toBe('model-incomplete');
    expect(err.message).toMatch(/width 768 but its text encoder produces 512/);
  });
});
