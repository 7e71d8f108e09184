// 50-step DDIM runs (CFG 7.5, the reference x_T) in every acceleration mode against the official code
// (README §6, §7, §9). Baseline and cached are deterministic arithmetic: relative L2 ≤ 1e-4. DaTo's discrete
// selection amplifies float noise (a 1e-6 input perturbation moved the official run by rel L2 1.5e-2), so
// it is compared loosely: within 3× that, and clearly closer to the DaTo reference than to the baseline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration, type AccelSettings } from '../../main/engine/accel/plan';
import { formatSchedule } from '../../main/engine/accel/schedule';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { txt2img, type Txt2ImgResult } from '../../main/engine/pipeline/txt2img';
import { maxAbsDiff, refArray, relL2, report } from '../helpers/numeric';
import { openTinyReference } from '../helpers/runtimes';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openTinyReference(); });
afterAll(async () => { await rt.dispose(); });

// The reference's deterministic DaTo: no noise in the score, the sign never flipped.
const deterministic = { alpha: 0, flip: 0 };

async function run(settings: AccelSettings): Promise<Txt2ImgResult> {
  return txt2img(rt, {
    prompt: 'a photo of an astronaut riding a horse on mars', negativePrompt: '', sampler: 'ddim', steps: 50, cfg: 7.5, eta: 0,
    width: 256, height: 256, seed: 0, images: 1, initialNoise: refArray('sample_x_T.npy').data,
    accel: planAcceleration(settings, 50), previewEvery: 0,
  });
}

describe('50-step DDIM against the official code', () => {
  it('baseline: final latent and decoded image', async () => {
    const r = await run({ mode: 'baseline' });
    const err = relL2(r.latents, refArray('sample_baseline_final.npy').data);
    // the reference PNG's pixels: uint8(255·clip((x+1)/2)), HWC
    const image = refArray('image_baseline.npy').data;
    const expected = new Uint8Array(256 * 256 * 3);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 256 * 256; p++) {
      expected[p * 3 + c] = Math.floor(Math.fround(255 * Math.min(1, Math.max(0, (image[c * 65536 + p]! + 1) / 2))));
    }
    const pixelErr = maxAbsDiff(r.images[0]!.rgb, expected);
    report('baseline final latent', { relL2: err, maxAbs: maxAbsDiff(r.latents, refArray('sample_baseline_final.npy').data), imageMaxLevels: pixelErr });
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(pixelErr).toBeLessThanOrEqual(1);
  });

  it('cached (DeepCache N=3): same schedule and final latent', async () => {
    const r = await run({ mode: 'cached' });
    const ref = refArray('sample_cached_final.npy').data;
    expect(formatSchedule(r.steps.map((s) => s.kind)).replace(/,/g, '')).toBe('FSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFSSFS');
    const err = relL2(r.latents, ref);
    report('cached final latent', { relL2: err, relL2VsBaseline: relL2(r.latents, refArray('sample_baseline_final.npy').data) });
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('dato: the searched schedule, pruning on every non-skip step, final latent loosely', async () => {
    const r = await run({ mode: 'dato', ...deterministic });
    const kinds = r.steps.map((s) => (s.kind === 'full' ? 'F' : s.kind === 'shallow' ? 's' : '.')).join('');
    expect(kinds).toBe('F.sssssFsssssss..Fsss.Fs.sssssF..ssssssssFssssssss');
    expect(r.steps.filter((s) => s.prunedBlocks > 0).length).toBe(43); // every non-skip step prunes
    const ref = refArray('sample_dato_final.npy').data;
    const base = refArray('sample_baseline_final.npy').data;
    const err = relL2(r.latents, ref);
    const toBaseline = relL2(r.latents, base);
    report('dato final latent', { relL2: err, relL2VsBaseline: toBaseline, referenceVsBaseline: relL2(ref, base) });
    expect(err).toBeLessThanOrEqual(3 * 1.52e-2);
    expect(err).toBeLessThan(toBaseline / 2);
  });

  it('prune only: every step full with pruning, loosely', async () => {
    const r = await run({ mode: 'prune', ...deterministic });
    const err = relL2(r.latents, refArray('sample_prune_only_final.npy').data);
    report('prune-only final latent', { relL2: err, relL2VsBaseline: relL2(r.latents, refArray('sample_baseline_final.npy').data) });
    expect(r.steps.every((s) => s.kind === 'full' && s.prunedBlocks === 5)).toBe(true);
    expect(err).toBeLessThanOrEqual(3 * 3.53e-4);
  });
});
