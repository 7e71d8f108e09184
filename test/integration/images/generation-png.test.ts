// The CLI's standalone PNG: pixels, A1111 parameters (seed of image i = seed + i) and our chunk.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest, GenerateResult } from '../../../main/engine/engine-protocol';
import { writeGenerationPng } from '../../../main/images/generation-png';
import { readImageParameters } from '../../../main/images/external-image';
import { testPattern } from './store-fixture';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-genpng-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request: GenerateRequest = {
  modelPath: '/models/demo-shapes-sd1.safetensors', provider: 'auto', prompt: 'a red circle', negativePrompt: 'noise',
  sampler: 'ddim', steps: 2, cfg: 5, eta: 0, width: 16, height: 8, seed: 41, images: 2,
  accel: { mode: 'dato', pruneRatio: 0.4, gamma: 0.1 }, previewEvery: 0,
};
const image = { width: 16, height: 8, rgb: testPattern(16, 8) };
const result: GenerateResult = {
  images: [image, image], latents: new Float32Array(0), latentShape: [2, 4, 1, 2],
  steps: [
    { index: 0, total: 2, kind: 'full', timestep: 999, seconds: 0.5, prunedTokens: 0, prunedBlocks: 0 },
    { index: 1, total: 2, kind: 'shallow', timestep: 499, seconds: 0.1, prunedTokens: 0, prunedBlocks: 0 },
  ],
  timings: { load: 1, textEncode: 0.1, unetLoop: 0.6, decode: 0.2, total: 1.9 },
  plan: { mode: 'dato', schedule: 'F,S', counts: { full: 1, medium: 0, shallow: 1, skip: 0 }, pruneRatios: [0.4, 0.4], gamma: 0.1, alpha: 0.1, flip: 0.5 },
  provider: { provider: 'cpu', attempts: [] },
};

describe('writeGenerationPng', () => {
  it('writes the image with parameters for its own seed and the plan that ran, replacing an old file', async () => {
    const path = join(dir, 'out.png');
    writeFileSync(path, 'old');
    await writeGenerationPng(path, image, { request, result, imageIndex: 1, modelPath: request.modelPath });
    const decoded = await sharp(path).raw().toBuffer();
    expect(Buffer.compare(decoded, Buffer.from(image.rgb))).toBe(0);
    const read = await readImageParameters(path);
    expect(read.parameters).toMatchObject({ prompt: 'a red circle', negativePrompt: 'noise', seed: 42, steps: 2, sampler: 'ddim', modelName: 'demo-shapes-sd1', width: 16, height: 8 });
    expect(read.studio).toMatchObject({
      mode: 'dato', schedule: 'F,S', accel: { pruneRatio: 0.4, gamma: 0.1 }, provider: 'cpu', unetSeconds: 0.6,
      timings: { load: 1, textEncode: 0.1, unetLoop: 0.6, decode: 0.2, total: 1.9, steps: [0.5, 0.1] },
    });
  });
});
