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
import { createHash } from 'node:crypto';
import { addonHashes } from '../../../main/engine/weights/addon-hash';

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
  images: [image, image], latents: new Float32Array(0), latentShape: [2, 4, 1, 2], loras: [],
  steps: [
    { index: 0, total: 2, kind: 'full', timestep: 999, seconds: 0.5, prunedTokens: 0, prunedBlocks: 0 },
    { index: 1, total: 2, kind: 'shallow', timestep: 499, seconds: 0.1, prunedTokens: 0, prunedBlocks: 0 },
  ],
  timings: { load: 1, textEncode: 0.1, unetLoop: 0.6, decode: 0.2, total: 1.9 },
  plan: { mode: 'dato', schedule: 'F,S', counts: { full: 1, shallow: 1, skip: 0 }, pruneRatios: [0.4, 0.4], gamma: 0.1, alpha: 0.1, flip: 0.5 },
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

describe('A1111 add-on fields', () => {
  it('writes Clip skip, VAE, TI hashes and Lora hashes (addnet hash of the data after the header) and reads them back', async () => {
    const lora = join(dir, 'ink.safetensors');
    const body = Buffer.from('tensor bytes');
    const header = Buffer.from('{}      ');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(lora, Buffer.concat([prefix, header, body]));
    const vae = join(dir, 'vae-ft.safetensors');
    writeFileSync(vae, 'vae file');
    const emb = join(dir, 'my-emb.safetensors');
    writeFileSync(emb, 'emb file');
    const addons = await addonHashes([lora], vae, [emb]);
    expect(addons.embeddings).toEqual([{ name: 'my-emb', hash: createHash('sha256').update('emb file').digest('hex').slice(0, 12) }]);
    expect(addons.loras).toEqual([{ name: 'ink', hash: createHash('sha256').update(body).digest('hex').slice(0, 12) }]);
    expect(addons.vae).toEqual({ name: 'vae-ft.safetensors', hash: createHash('sha256').update('vae file').digest('hex').slice(0, 10) });
    const path = join(dir, 'addons.png');
    await writeGenerationPng(path, image, { request: { ...request, clipSkip: 2 }, result, imageIndex: 0, modelPath: request.modelPath, addons });
    const fields = (await readImageParameters(path)).parameters!.fields;
    expect(fields).toMatchObject({ 'Clip skip': '2', VAE: 'vae-ft.safetensors', 'VAE hash': addons.vae!.hash, 'Lora hashes': `ink: ${addons.loras[0]!.hash}`, 'TI hashes': `my-emb: ${addons.embeddings![0]!.hash}` });
  });

  it('writes none of them for a plain generation (clip skip 1, no VAE, no LoRA)', async () => {
    const path = join(dir, 'plain.png');
    await writeGenerationPng(path, image, { request, result, imageIndex: 0, modelPath: request.modelPath });
    const fields = (await readImageParameters(path)).parameters!.fields;
    expect(Object.keys(fields)).not.toEqual(expect.arrayContaining(['Clip skip']));
    expect(fields['Lora hashes']).toBeUndefined();
    expect(fields['VAE']).toBeUndefined();
  });
});
