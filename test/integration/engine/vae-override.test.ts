// A separate VAE replaces the checkpoint's: the tiny SD 2.x reference's VAE (same architecture, other
// random weights), written as a standalone LDM file (with the `loss.*` / `model_ema.*` extras real VAE files
// carry) and as a diffusers AutoencoderKL file, decodes on the tiny SD 1.x model exactly as on its own
// model. Wrong shapes, missing decoder tensors and pickles are refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { diffusersVaeShape, vaeRules, VAE_PREFIX } from '../../../main/engine/weights/names/vae';
import { decodeToF32, readSafetensorsHeader, readTensorBytes } from '../../../main/engine/weights/safetensors';
import { writeSafetensors, type TensorToWrite } from '../../../main/engine/weights/safetensors-writer';
import { canaryPickle } from '../../fixtures/weights-files';
import { maxAbsDiff, refArray, report } from '../../helpers/numeric';
import { clipBpePath, testCacheDir, tinyRefDir, tinySd2RefDir } from '../../helpers/paths';

const dir = mkdtempSync(join(tmpdir(), 'vae-'));
const open = (path: string, vae?: string): Promise<ModelRuntime> =>
  ModelRuntime.open(path, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir, ...(vae ? { vae } : {}) });

/** The SD2 reference's VAE tensors (F32), renamed by `rename` (undefined drops a tensor). */
async function writeVae(file: string, rename: (ldm: string, shape: readonly number[]) => [string, readonly number[]] | undefined, extra: TensorToWrite[] = []): Promise<string> {
  const header = await readSafetensorsHeader(join(tinySd2RefDir, 'model.safetensors'));
  const tensors: TensorToWrite[] = [...extra];
  for (const t of header.tensors.values()) {
    if (!t.name.startsWith(VAE_PREFIX)) continue;
    const renamed = rename(t.name.slice(VAE_PREFIX.length), t.shape);
    if (!renamed) continue;
    const data = decodeToF32(await readTensorBytes({ file: header.file, offset: t.offset, byteLength: t.byteLength }), 'F16');
    tensors.push({ name: renamed[0], dtype: 'F32', shape: renamed[1], data: () => [new Uint8Array(data.buffer)] });
  }
  const path = join(dir, file);
  await writeSafetensors(path, tensors);
  return path;
}

const scalar = (name: string): TensorToWrite => ({ name, dtype: 'F32', shape: [1], data: () => [new Uint8Array(4)] });
const latent = refArray('vae_small_latent.npy');
let own: Float32Array;
let sd2: Float32Array;

beforeAll(async () => {
  const [a, b] = [await open(join(tinyRefDir, 'model.safetensors')), await open(join(tinySd2RefDir, 'model.safetensors'))];
  own = await a.decode(latent.data, 8, 12);
  sd2 = await b.decode(latent.data, 8, 12);
  await a.dispose(); await b.dispose();
});

describe('VAE override', () => {
  it('LDM standalone keys (extras ignored) decode like the VAE on its own model', async () => {
    const path = await writeVae('ldm.safetensors', (n, s) => [n, s], [scalar('loss.logvar'), scalar('model_ema.decay')]);
    const rt = await open(join(tinyRefDir, 'model.safetensors'), path);
    const image = await rt.decode(latent.data, 8, 12);
    await rt.dispose();
    report('vae override (ldm)', { maxAbs: maxAbsDiff(image, sd2), vsOwnVae: maxAbsDiff(image, own) });
    expect(maxAbsDiff(image, sd2)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(image, own)).toBeGreaterThan(1e-2);
  });

  it('diffusers AutoencoderKL keys (2-D attention projections) decode the same', async () => {
    const rules = vaeRules({ levels: 4, resBlocks: 1 });
    const path = await writeVae('diffusers.safetensors', (n, s) => [rules.toDiffusers(n) ?? n, diffusersVaeShape(VAE_PREFIX + n, s)]);
    const rt = await open(join(tinyRefDir, 'model.safetensors'), path);
    const image = await rt.decode(latent.data, 8, 12);
    await rt.dispose();
    report('vae override (diffusers)', { maxAbs: maxAbsDiff(image, sd2) });
    expect(maxAbsDiff(image, sd2)).toBeLessThanOrEqual(1e-5);
  });

  it('refuses a VAE with other shapes, one without its decoder, and a pickle', async () => {
    const wide = await writeVae('wide.safetensors', (n, s) => [n, n === 'decoder.conv_in.weight' ? [s[1]!, s[0]!, ...s.slice(2)] : s]); // same size, other shape
    await expect(open(join(tinyRefDir, 'model.safetensors'), wide)).rejects.toThrow(/does not fit this model: decoder\.conv_in\.weight/);
    const noDecoder = await writeVae('enc.safetensors', (n, s) => (n.startsWith('decoder.') ? undefined : [n, s]));
    await expect(open(join(tinyRefDir, 'model.safetensors'), noDecoder)).rejects.toThrow(/lacks \d+ decoder tensors/);
    const pickle = join(dir, 'vae.pt');
    writeFileSync(pickle, canaryPickle('true'));
    await expect(open(join(tinyRefDir, 'model.safetensors'), pickle)).rejects.toThrow(/pickle/);
  });
});
