// The VAE encoder against the official ldm encoder (shared/reference/tiny-sd1, README §8):
// vae_encode_moments.npy = quant_conv(encoder(image_baseline.npy)), channels 0-3 mean, 4-7 log-variance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { latentFromMoments } from '../../main/engine/pipeline/latent-distribution';
import { maxAbsDiff, refArray, report } from '../helpers/numeric';
import { openTinyReference } from '../helpers/runtimes';
import { join } from 'node:path';
import { ModelRuntime as Runtime } from '../../main/engine/pipeline/model-runtime';
import { clipBpePath, testCacheDir, tinyRefDir } from '../helpers/paths';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openTinyReference(); });
afterAll(async () => { await rt.dispose(); });

describe('VAE encoder', () => {
  it('matches the official moments of image_baseline (256x256 → 8x32x32)', async () => {
    const moments = await rt.encode(refArray('image_baseline.npy').data, 32, 32);
    const ref = refArray('vae_encode_moments.npy');
    const err = maxAbsDiff(moments, ref.data);
    report('vae_encode_moments', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('the static-shape graphs GPU providers get give the same moments', async () => {
    const gpuShaped = await Runtime.open(join(tinyRefDir, 'model.safetensors'), { provider: 'cpu' },
      { clipVocab: clipBpePath, cacheDir: testCacheDir, precision: 'float16', gpuGraphs: true });
    try {
      const err = maxAbsDiff(await gpuShaped.encode(refArray('image_baseline.npy').data, 32, 32), refArray('vae_encode_moments.npy').data);
      report('vae_encode_moments, static shapes', { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4); // the VAE stays float32 whatever the UNet precision
    } finally {
      await gpuShaped.dispose();
    }
  });

  it('takes the mean times the scale factor by default, and a seeded sample on request', async () => {
    const ref = refArray('vae_encode_moments.npy').data;
    const n = ref.length / 2;
    const mean = latentFromMoments(ref, 0.18215);
    expect(mean[7]).toBe(Math.fround(ref[7]! * 0.18215));
    const a = latentFromMoments(ref, 0.18215, { kind: 'sample', seed: 3 });
    const b = latentFromMoments(ref, 0.18215, { kind: 'sample', seed: 3 });
    const c = latentFromMoments(ref, 0.18215, { kind: 'sample', seed: 4 });
    expect(a).toEqual(b);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
    // a sample differs from the mean by std·z: its standardised residual has unit variance
    let sq = 0;
    for (let k = 0; k < n; k++) sq += ((a[k]! / 0.18215 - ref[k]!) / Math.exp(0.5 * ref[n + k]!)) ** 2;
    expect(sq / n).toBeGreaterThan(0.8);
    expect(sq / n).toBeLessThan(1.2);
  });
});
