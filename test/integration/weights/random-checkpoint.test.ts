// writeRandomCheckpoint writes what real checkpoints hold: the same key set and shapes as the two real
// files in the repository, in the LDM layout and (read back through openCheckpoint) the diffusers layout,
// with identical bytes per tensor in both layouts, deterministically for a seed.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../main/engine/weights/checkpoint';
import { detectFamily } from '../../../main/engine/weights/detect';
import { writeRandomCheckpoint } from '../../../main/engine/weights/random-checkpoint';
import { readSafetensorsHeader, readTensorBytes, readTensorF32 } from '../../../main/engine/weights/safetensors';
import { TINY_CONFIG } from '../../../main/engine/weights/sd1-config';
import type { Sd1Config } from '../../../main/engine/weights/sd1-config';
import { sd1TensorSpecs } from '../../../main/engine/weights/sd1-tensors';
import type { TensorIndex } from '../../../main/engine/weights/tensor-index';
import { MICRO_CONFIG, configFromLdmJson } from '../../fixtures/weights-files';
import { demoModelDir, tinyRefDir } from '../../helpers/paths';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'random-ckpt-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const demoConfig = (): Sd1Config => configFromLdmJson(JSON.parse(readFileSync(join(demoModelDir, 'config.json'), 'utf8')));

async function shapesOf(file: string): Promise<Record<string, readonly number[]>> {
  const header = await readSafetensorsHeader(file);
  return Object.fromEntries([...header.tensors.values()].map((t) => [t.name, t.shape]));
}

async function expectSameTensors(a: TensorIndex, b: TensorIndex): Promise<void> {
  expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
  let differing = 0;
  for (const [name, ea] of a.tensors) {
    const eb = b.tensors.get(name)!;
    expect([name, eb.dtype, eb.shape]).toEqual([name, ea.dtype, ea.shape]);
    if (!Buffer.from(await readTensorBytes(ea)).equals(Buffer.from(await readTensorBytes(eb)))) differing++;
  }
  expect(differing).toBe(0);
}

describe('writeRandomCheckpoint', () => {
  it.each([
    ['tiny-sd1 reference', (): Sd1Config => TINY_CONFIG, join(tinyRefDir, 'model.safetensors')],
    ['demo-shapes-sd1', demoConfig, join(demoModelDir, 'model.safetensors')],
  ])('with the architecture of %s writes exactly its key set and shapes', async (name, config, realFile) => {
    const path = join(dir, `${name}.safetensors`);
    await writeRandomCheckpoint(path, config(), { dtype: 'F16', seed: 1, layout: 'ldm' });
    expect(await shapesOf(path)).toEqual(await shapesOf(realFile));
    const index = await openCheckpoint(path);
    expect(detectFamily(index)).toBe('sd1');
  });

  it.each([
    ['tiny', (): Sd1Config => TINY_CONFIG, 'F16'],
    ['demo architecture', demoConfig, 'F16'],
    ['micro', (): Sd1Config => MICRO_CONFIG, 'F32'],
  ] as const)('%s: the diffusers layout opens to the same names, shapes and bytes as the LDM layout', async (name, config, dtype) => {
    const ldm = join(dir, `${name}-pair.safetensors`);
    const diffusers = join(dir, `${name}-diffusers`);
    await writeRandomCheckpoint(ldm, config(), { dtype, seed: 7, layout: 'ldm' });
    await writeRandomCheckpoint(diffusers, config(), { dtype, seed: 7, layout: 'diffusers' });
    expect((await readdir(diffusers)).sort()).toEqual(['model_index.json', 'scheduler', 'text_encoder', 'unet', 'vae']);
    const fromDiffusers = await openCheckpoint(diffusers);
    expect(fromDiffusers.source.kind).toBe('diffusers');
    expect(fromDiffusers.tokenizerDir).toBeUndefined();
    expect(detectFamily(fromDiffusers)).toBe('sd1');
    // The diffusers VAE file really stores the attention projections as 2-D Linear weights.
    const vaeShapes = await shapesOf(join(diffusers, 'vae', 'diffusion_pytorch_model.safetensors'));
    expect(vaeShapes['decoder.mid_block.attentions.0.to_q.weight']).toHaveLength(2);
    expect(fromDiffusers.tensors.get('first_stage_model.decoder.mid.attn_1.q.weight')!.shape).toHaveLength(4);
    await expectSameTensors(await openCheckpoint(ldm), fromDiffusers);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const digest = async (seed: number, file: string): Promise<string> => {
      await writeRandomCheckpoint(join(dir, file), MICRO_CONFIG, { dtype: 'F16', seed, layout: 'ldm' });
      return createHash('sha256').update(await readFile(join(dir, file))).digest('hex');
    };
    const first = await digest(3, 'seed3-a.safetensors');
    expect(await digest(3, 'seed3-b.safetensors')).toBe(first);
    expect(await digest(4, 'seed4.safetensors')).not.toBe(first);
  });

  it('stores F16 as the rounding of the F32 values and initialises with the documented ranges', async () => {
    await writeRandomCheckpoint(join(dir, 'init32.safetensors'), MICRO_CONFIG, { dtype: 'F32', seed: 11, layout: 'ldm' });
    await writeRandomCheckpoint(join(dir, 'init16.safetensors'), MICRO_CONFIG, { dtype: 'F16', seed: 11, layout: 'ldm' });
    const f32 = await openCheckpoint(join(dir, 'init32.safetensors'));
    const f16 = await openCheckpoint(join(dir, 'init16.safetensors'));
    let maxError = 0;
    for (const spec of sd1TensorSpecs(MICRO_CONFIG)) {
      const full = await readTensorF32(f32.tensors.get(spec.name)!);
      const half = await readTensorF32(f16.tensors.get(spec.name)!);
      for (let i = 0; i < full.length; i++) maxError = Math.max(maxError, Math.abs(full[i]! - half[i]!) / Math.max(Math.abs(full[i]!), 2 ** -14));
      const [lo, hi] = spec.init.kind === 'uniform' ? [-spec.init.bound, spec.init.bound]
        : spec.init.kind === 'norm-weight' ? [0.9, 1.1] : [-0.1, 0.1];
      expect(Math.min(...full)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...full)).toBeLessThanOrEqual(hi);
      if (full.length >= 1000) {
        const mean = full.reduce((a, b) => a + b, 0) / full.length;
        const std = Math.sqrt(full.reduce((a, b) => a + (b - mean) ** 2, 0) / full.length);
        expect(Math.abs(mean - (lo + hi) / 2)).toBeLessThan(0.1 * (hi - lo));
        expect(std).toBeCloseTo((hi - lo) / Math.sqrt(12), 2); // uniform on [lo, hi]
      }
    }
    console.log(`F16 vs F32 random checkpoint: max relative error ${maxError}`);
    expect(maxError).toBeLessThanOrEqual(2 ** -11);
  });

  it('copies a tokenizer only when asked', async () => {
    const tokenizer = join(dir, 'tok-src');
    await mkdir(tokenizer, { recursive: true });
    await writeFile(join(tokenizer, 'vocab.json'), '{"a</w>":0}');
    await writeFile(join(tokenizer, 'merges.txt'), '#version: 0.2\n');
    const folder = join(dir, 'with-tokenizer');
    await writeRandomCheckpoint(folder, MICRO_CONFIG, { dtype: 'F16', seed: 1, layout: 'diffusers', tokenizerFrom: tokenizer });
    const index = await openCheckpoint(folder);
    expect(index.tokenizerDir).toBe(await realpath(join(folder, 'tokenizer')));
    expect(JSON.parse(await readFile(join(folder, 'model_index.json'), 'utf8')).tokenizer).toEqual(['transformers', 'CLIPTokenizer']);
  });
});
