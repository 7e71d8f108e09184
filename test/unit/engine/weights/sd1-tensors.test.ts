// The SD1 tensor list must be exactly what real checkpoints hold: checked key-for-key and shape-for-shape
// against the two real files in the repository (tiny-sd1 reference, demo-shapes-sd1), and by count and
// parameter total against Stable Diffusion 1.5 (v1-5-pruned-emaonly).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SD15_CONFIG, TINY_CONFIG } from '../../../../main/engine/weights/sd1-config';
import { sd1TensorSpecs, textTensorSpecs, unetTensorSpecs, vaeTensorSpecs } from '../../../../main/engine/weights/sd1-tensors';
import type { TensorSpec } from '../../../../main/engine/weights/sd1-tensors';
import { readSafetensorsHeader } from '../../../../main/engine/weights/safetensors';
import { configFromLdmJson } from '../../../fixtures/weights-files';
import { demoModelDir, tinyRefDir } from '../../../helpers/paths';

const parameters = (specs: readonly TensorSpec[]): number => specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

async function realShapes(file: string): Promise<Map<string, readonly number[]>> {
  const header = await readSafetensorsHeader(file);
  return new Map([...header.tensors.values()].map((t) => [t.name, t.shape]));
}

function expectSameTensors(specs: readonly TensorSpec[], real: ReadonlyMap<string, readonly number[]>): void {
  const ours = new Map(specs.map((s) => [s.name, s.shape]));
  expect(ours.size).toBe(specs.length); // no name generated twice
  expect([...ours.keys()].filter((k) => !real.has(k))).toEqual([]);
  expect([...real.keys()].filter((k) => !ours.has(k))).toEqual([]);
  const wrongShapes = [...ours].filter(([name, shape]) => JSON.stringify(real.get(name)) !== JSON.stringify(shape));
  expect(wrongShapes).toEqual([]);
}

describe('SD1 tensor list', () => {
  it('matches the tiny-sd1 reference checkpoint exactly (902 tensors)', async () => {
    const config = configFromLdmJson(JSON.parse(readFileSync(join(tinyRefDir, 'config.json'), 'utf8')));
    expect(config).toEqual(TINY_CONFIG);
    const specs = sd1TensorSpecs(config);
    expectSameTensors(specs, await realShapes(join(tinyRefDir, 'model.safetensors')));
    // Counts and parameters as documented in tiny-sd1/README.md.
    expect([unetTensorSpecs(config.unet).length, textTensorSpecs(config.text).length, vaeTensorSpecs(config.vae).length]).toEqual([686, 36, 180]);
    expect(parameters(unetTensorSpecs(config.unet))).toBe(8_525_412);
    expect(parameters(textTensorSpecs(config.text))).toBe(1_600_672);
    expect(parameters(vaeTensorSpecs(config.vae))).toBe(1_250_759);
  });

  it('matches the demo-shapes-sd1 model exactly (722 tensors, attention at levels 0 and 1 only)', async () => {
    const config = configFromLdmJson(JSON.parse(readFileSync(join(demoModelDir, 'config.json'), 'utf8')));
    expect(config.unet.attentionLevels).toEqual([0, 1]);
    const specs = sd1TensorSpecs(config);
    expect(specs.length).toBe(722);
    expectSameTensors(specs, await realShapes(join(demoModelDir, 'model.safetensors')));
    expect(parameters(unetTensorSpecs(config.unet))).toBe(8_752_580);
    expect(parameters(textTensorSpecs(config.text))).toBe(6_929_152);
    expect(parameters(vaeTensorSpecs(config.vae))).toBe(5_770_599);
  });

  it('has Stable Diffusion 1.5 counts and parameter totals', () => {
    // v1-5-pruned-emaonly: UNet 686 tensors / 859,520,964 parameters; CLIP ViT-L/14 text model 196 tensors
    // (197 with position_ids) / 123,060,480; KL-f8 VAE 248 tensors / 83,653,863.
    const unet = unetTensorSpecs(SD15_CONFIG.unet);
    const text = textTensorSpecs(SD15_CONFIG.text);
    const vae = vaeTensorSpecs(SD15_CONFIG.vae);
    expect([unet.length, text.length, vae.length]).toEqual([686, 196, 248]);
    expect([parameters(unet), parameters(text), parameters(vae)]).toEqual([859_520_964, 123_060_480, 83_653_863]);
  });

  it('uses the real shapes for the layers that differ between layouts', () => {
    const byName = new Map(sd1TensorSpecs(SD15_CONFIG).map((s) => [s.name, s]));
    const shape = (name: string): readonly number[] | undefined => byName.get(name)?.shape;
    expect(shape('model.diffusion_model.input_blocks.1.1.proj_in.weight')).toEqual([320, 320, 1, 1]);
    expect(shape('model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight')).toEqual([320, 768]);
    expect(byName.has('model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.bias')).toBe(false);
    expect(shape('model.diffusion_model.output_blocks.2.1.conv.weight')).toEqual([1280, 1280, 3, 3]); // no attention at level 3
    expect(shape('model.diffusion_model.output_blocks.5.2.conv.weight')).toEqual([1280, 1280, 3, 3]);
    expect(shape('model.diffusion_model.input_blocks.3.0.op.weight')).toEqual([320, 320, 3, 3]);
    expect(shape('model.diffusion_model.middle_block.1.transformer_blocks.0.ff.net.0.proj.weight')).toEqual([10240, 1280]);
    expect(shape('first_stage_model.decoder.mid.attn_1.q.weight')).toEqual([512, 512, 1, 1]);
    expect(shape('first_stage_model.quant_conv.weight')).toEqual([8, 8, 1, 1]);
    expect(shape('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight')).toEqual([49408, 768]);
  });

  it('initialises with fan-in scaled bounds and unit norms', () => {
    const byName = new Map(sd1TensorSpecs(SD15_CONFIG).map((s) => [s.name, s]));
    expect(byName.get('model.diffusion_model.input_blocks.1.0.in_layers.2.weight')!.init).toEqual({ kind: 'uniform', bound: 1 / Math.sqrt(320 * 9) });
    expect(byName.get('model.diffusion_model.input_blocks.1.0.in_layers.0.weight')!.init).toEqual({ kind: 'norm-weight' });
    expect(byName.get('model.diffusion_model.input_blocks.1.0.in_layers.0.bias')!.init).toEqual({ kind: 'norm-bias' });
  });
});
