// The two real SD1-architecture files in the repository open, detect as sd1, and decode to sane values.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../main/engine/weights/checkpoint';
import { detectFamily } from '../../../main/engine/weights/detect';
import { readTensorF32 } from '../../../main/engine/weights/safetensors';
import { demoModelDir, tinyRefDir } from '../../helpers/paths';

describe('real checkpoints', () => {
  it('opens the tiny-sd1 reference: 902 F16 tensors, sd1, norms decode to 1 + 0.1 N(0,1)', async () => {
    const index = await openCheckpoint(join(tinyRefDir, 'model.safetensors'));
    expect(index.source.kind).toBe('single-file');
    expect(index.tensors.size).toBe(902);
    expect(index.metadata.format).toBe('pt');
    expect(detectFamily(index)).toBe('sd1');
    // README §1: every GroupNorm/LayerNorm weight = 1 + 0.1 N(0,1), bias = 0.1 N(0,1). A wrong F16 decode
    // (byte order, exponent bias, offset) cannot produce these statistics.
    const weights: number[] = [];
    const biases: number[] = [];
    let nonFinite = 0;
    for (const entry of index.tensors.values()) {
      const values = await readTensorF32(entry);
      nonFinite += values.filter((v) => !Number.isFinite(v)).length;
      const isNorm = /(norm\d?|in_layers\.0|out_layers\.0|out\.0|norm_out|layer_norm\d|final_layer_norm)\.(weight|bias)$/.test(entry.name)
        && entry.shape.length === 1;
      if (isNorm) (entry.name.endsWith('weight') ? weights : biases).push(...values);
    }
    const stats = (xs: number[]): [number, number] => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return [mean, Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)];
    };
    const [wMean, wStd] = stats(weights);
    const [bMean, bStd] = stats(biases);
    console.log(`tiny-sd1 norm weights: n=${weights.length} mean ${wMean} std ${wStd}; biases mean ${bMean} std ${bStd}`);
    expect(nonFinite).toBe(0);
    expect(Math.abs(wMean - 1)).toBeLessThan(0.01);
    expect(Math.abs(wStd - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(bMean)).toBeLessThan(0.01);
    expect(Math.abs(bStd - 0.1)).toBeLessThan(0.01);
  });

  it('opens the demo-shapes-sd1 model: 722 F16 tensors, sd1, finite weights', async () => {
    const index = await openCheckpoint(join(demoModelDir, 'model.safetensors'));
    expect(index.tensors.size).toBe(722);
    expect(index.metadata.scale_factor).toBe('0.18215');
    expect(detectFamily(index)).toBe('sd1');
    expect(index.tensors.get('model.diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k.weight')!.shape).toEqual([128, 128]);
    let nonFinite = 0;
    for (const entry of index.tensors.values()) nonFinite += (await readTensorF32(entry)).filter((v) => !Number.isFinite(v)).length;
    expect(nonFinite).toBe(0);
  });
});
