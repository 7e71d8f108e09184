// Text encoder, single UNet calls and the VAE decoder against the official code's outputs
// (shared/reference/tiny-sd1, README §4, §5, §8). Tolerance: max abs 1e-4 on O(1) values; a correct
// float32 implementation lands near 1e-6.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNetRunner } from '../../main/engine/pipeline/unet-runner';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { maxAbsDiff, refArray, report } from '../helpers/numeric';
import { openTinyReference } from '../helpers/runtimes';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openTinyReference(); });
afterAll(async () => { await rt.dispose(); });

describe('text encoder', () => {
  for (const name of ['empty', '0', '1', '2']) {
    it(`matches last_hidden_state for text_${name}`, async () => {
      const ids = refArray(`text_${name}_ids.npy`);
      const hidden = await rt.encodeText(BigInt64Array.from(ids.data, (v) => BigInt(v)), 1);
      const err = maxAbsDiff(hidden, refArray(`text_${name}_hidden.npy`).data);
      report(`text_${name}`, { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('UNet single calls (segmented path)', () => {
  for (const call of [0, 1, 2, 3]) {
    it(`matches eps for unet_call${call}`, async () => {
      const x = refArray(`unet_call${call}_x.npy`);
      const [b, , h, w] = x.shape as [number, number, number, number];
      const runner = new UNetRunner(rt.model, rt.sessions, rt.variant, b, h, w);
      const { eps } = await runner.evaluate('full', {
        x: x.data, timesteps: [...refArray(`unet_call${call}_t.npy`).data],
        context: refArray(`unet_call${call}_context.npy`).data, contextLength: 77,
      });
      const err = maxAbsDiff(eps, refArray(`unet_call${call}_eps.npy`).data);
      report(`unet_call${call} (${b}x${h}x${w})`, { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('VAE decoder', () => {
  it('decodes the small non-square latent (raw, not clamped)', async () => {
    const latent = refArray('vae_small_latent.npy');
    const image = await rt.decode(latent.data, latent.shape[2]!, latent.shape[3]!);
    const err = maxAbsDiff(image, refArray('vae_small_decoded.npy').data);
    report('vae_small 8x12', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('decodes the baseline final latent to image_baseline (clamped)', async () => {
    const image = await rt.decode(refArray('sample_baseline_final.npy').data, 32, 32);
    const clamped = image.map((v) => Math.min(1, Math.max(-1, v)));
    const err = maxAbsDiff(clamped, refArray('image_baseline.npy').data);
    report('image_baseline 256x256', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-3);
  });
});
