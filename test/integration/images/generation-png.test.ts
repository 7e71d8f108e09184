// The CLI's standalone image: PNG pixels, A1111 parameters (seed of image i = seed + i) and our chunk; JPEG and
// WebP with the parameters in EXIF UserComment exactly as A1111 writes them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest, GenerateResult } from '../../../main/engine/engine-protocol';
import { exifWithUserComment, readExifUserComment } from '../../../main/images/exif-user-comment';
import { writeGenerationImage } from '../../../main/images/generation-png';
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
  images: [image, image], latents: new Float32Array(0), latentShape: [2, 4, 1, 2], loras: [], addons: { loras: [] },
  steps: [
    { index: 0, total: 2, kind: 'full', timestep: 999, seconds: 0.5, prunedTokens: 0, prunedBlocks: 0 },
    { index: 1, total: 2, kind: 'shallow', timestep: 499, seconds: 0.1, prunedTokens: 0, prunedBlocks: 0 },
  ],
  timings: { load: 1, textEncode: 0.1, unetLoop: 0.6, decode: 0.2, total: 1.9 },
  plan: { mode: 'dato', schedule: 'F,S', counts: { full: 1, medium: 0, shallow: 1, skip: 0 }, pruneRatios: [0.4, 0.4], gamma: 0.1, alpha: 0.1, flip: 0.5 },
  provider: { provider: 'cpu', attempts: [] },
};

describe('writeGenerationImage', () => {
  it('writes the image with parameters for its own seed and the plan that ran, replacing an old file', async () => {
    const path = join(dir, 'out.png');
    writeFileSync(path, 'old');
    await writeGenerationImage(path, image, { request, result, imageIndex: 1, modelName: 'Demo: coloured shapes' });
    const decoded = await sharp(path).raw().toBuffer();
    expect(Buffer.compare(decoded, Buffer.from(image.rgb))).toBe(0);
    const read = await readImageParameters(path);
    expect(read.parameters).toMatchObject({ prompt: 'a red circle', negativePrompt: 'noise', seed: 42, steps: 2, sampler: 'ddim', modelName: 'Demo: coloured shapes', width: 16, height: 8 });
    expect(read.studio).toMatchObject({
      mode: 'dato', schedule: 'F,S', accel: { pruneRatio: 0.4, gamma: 0.1 }, provider: 'cpu', unetSeconds: 0.6,
      timings: { load: 1, textEncode: 0.1, unetLoop: 0.6, decode: 0.2, total: 1.9, steps: [0.5, 0.1] },
    });
  });

  it('our reader gets prompts back exactly, markers and spaces included (from the dato-studio chunk)', async () => {
    const path = join(dir, 'markers.png');
    const prompt = '  a red circle  \nNegative prompt: still the prompt\n';
    const negativePrompt = ' Steps: 1, Sampler: Euler, CFG scale: 3 ';
    await writeGenerationImage(path, image, { request: { ...request, prompt, negativePrompt }, result, imageIndex: 0, modelName: 'm' });
    const read = await readImageParameters(path);
    expect(read.parameters).toMatchObject({ prompt, negativePrompt, seed: 41 });
    expect(read.rawParameters!.split('\n')[1]).toBe('\\Negative prompt: still the prompt');
  });

  it.each(['jpg', 'webp'])('writes .%s with the parameters in EXIF UserComment (UNICODE + UTF-16BE, as A1111)', async (ext) => {
    const path = join(dir, `out.${ext}`);
    await writeGenerationImage(path, image, { request: { ...request, prompt: 'a red circle, café ☕' }, result, imageIndex: 0, modelName: 'Demo: coloured shapes' });
    const meta = await sharp(path).metadata();
    expect(meta.format).toBe(ext === 'jpg' ? 'jpeg' : 'webp');
    expect([meta.width, meta.height]).toEqual([16, 8]);
    const exif = meta.exif!;
    // the bytes A1111 (piexif.helper.UserComment.dump(text, encoding="unicode")) writes
    const raw = exif.toString('latin1');
    expect(raw).toContain('UNICODE\0');
    expect(exif.includes(Buffer.from('\0c\0a\0f\0\u00e9', 'latin1'))).toBe(true); // "café" in UTF-16BE
    const read = await readImageParameters(path);
    expect(read.parameters).toMatchObject({ prompt: 'a red circle, café ☕', seed: 41, steps: 2, modelName: 'Demo: coloured shapes' });
    expect(read.rawParameters).toBe(readExifUserComment(exif));
  });

  it('refuses a file name whose format it cannot write', async () => {
    await expect(writeGenerationImage(join(dir, 'out.gif'), image, { request, result, imageIndex: 0, modelName: 'm' })).rejects.toThrow(/not a \.png, \.jpg/);
  });
});

describe('exifWithUserComment', () => {
  it('is a big-endian TIFF block IFD0 → Exif IFD → UserComment 0x9286 holding "UNICODE\\0" + UTF-16BE', () => {
    const block = exifWithUserComment('Hi');
    expect(block.toString('hex')).toBe(
      '4d4d002a00000008' + // "MM", 42, IFD0 at 8
      '0001' + '8769' + '0004' + '00000001' + '0000001a' + '00000000' + // ExifIFD pointer → 26, no next IFD
      '0001' + '9286' + '0007' + '0000000c' + '0000002c' + '00000000' + // UserComment, UNDEFINED, 12 bytes at 44
      '554e49434f444500' + '00480069', // "UNICODE\0" + "Hi" in UTF-16BE
    );
    expect(readExifUserComment(block)).toBe('Hi');
  });

  it("reads A1111's block: piexif.dump({'Exif': {UserComment: UserComment.dump('Hi', encoding='unicode')}})", () => {
    // produced by Debian's python3-piexif 1.1.3 (piexif leaves out the Exif IFD's next-IFD offset)
    const a1111 = Buffer.from('4578696600004d4d002a00000008000187690004000000010000001a000000000001928600070000000c00000028554e49434f44450000480069', 'hex');
    expect(readExifUserComment(a1111)).toBe('Hi');
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
    await writeGenerationImage(path, image, { request: { ...request, clipSkip: 2 }, result: { ...result, addons }, imageIndex: 0, modelName: 'demo' });
    const fields = (await readImageParameters(path)).parameters!.fields;
    expect(fields).toMatchObject({ 'Clip skip': '2', VAE: 'vae-ft.safetensors', 'VAE hash': addons.vae!.hash, 'Lora hashes': `ink: ${addons.loras[0]!.hash}`, 'TI hashes': `my-emb: ${addons.embeddings![0]!.hash}` });
  });

  it('writes none of them for a plain generation (clip skip 1, no VAE, no LoRA)', async () => {
    const path = join(dir, 'plain.png');
    await writeGenerationImage(path, image, { request, result, imageIndex: 0, modelName: 'demo' });
    const fields = (await readImageParameters(path)).parameters!.fields;
    expect(Object.keys(fields)).not.toEqual(expect.arrayContaining(['Clip skip']));
    expect(fields['Lora hashes']).toBeUndefined();
    expect(fields['VAE']).toBeUndefined();
  });
});
