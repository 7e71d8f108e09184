// v-prediction in every sampler. A v model's output converts exactly to the noise an eps model would have
// predicted at the same sample (prediction.ts): with ᾱ the noise level of evaluation i and x_t the UNet's
// input, ε = √ᾱ·v + √(1−ᾱ)·x_t. So a sampler told "v" and fed v must take the same step as the same sampler
// told "eps" and fed that ε, for every evaluation of a run (multistep history included). ᾱ is computed
// here independently, in float64, from the timestep the sampler hands the UNet: ᾱ = 1/(1+σ(t)²).
import { describe, expect, test } from 'vitest';
import { createRng } from '../../../../main/engine/pipeline/rng';
import { createScheduler } from '../../../../main/engine/schedulers/index';
import { SAMPLER_NAMES } from '../../../../preload/contract/vocabulary';
import { tToSigma } from '../../../../main/engine/schedulers/sigmas';
import { CountingNoise } from './conformance';

const N = 64;

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(b[k]!)));
  return m;
}

describe('v-prediction', () => {
  for (const name of SAMPLER_NAMES) {
    test(`${name}: a v output steps exactly like its equivalent eps output`, () => {
      const steps = 8;
      const withV = createScheduler(name, { steps, prediction: 'v' });
      const withEps = createScheduler(name, { steps, prediction: 'eps' });
      const noiseV = new CountingNoise(7);
      const noiseEps = new CountingNoise(7);
      const rng = createRng(1234);
      let x: Float32Array = Float32Array.from(rng.randn(N), (value) => value * withEps.initNoiseSigma);
      let worst = 0;
      for (let i = 0; i < withEps.timesteps.length; i++) {
        const xt = withEps.scaleModelInput(x, i);
        const a = 1 / (1 + tToSigma(withEps.timesteps[i]!) ** 2);
        const v = rng.randn(N);
        const eps = Float32Array.from(v, (vk, k) => Math.sqrt(a) * vk + Math.sqrt(1 - a) * xt[k]!);
        const nextV = withV.step(v, i, x, noiseV);
        const nextEps = withEps.step(eps, i, x, noiseEps);
        worst = Math.max(worst, maxRelDiff(nextV, nextEps));
        x = nextEps;
      }
      console.log(`${name} v vs eps: max rel diff ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);
      expect(noiseV.draws).toBe(noiseEps.draws);
    });
  }

  test('v is not eps: feeding the same output under the two predictions gives different steps', () => {
    const x = createRng(1).randn(N);
    const out = createRng(2).randn(N);
    const noise = { randn: (n: number) => new Float32Array(n) };
    const a = createScheduler('euler', { steps: 8, prediction: 'v' }).step(out, 3, x, noise);
    const b = createScheduler('euler', { steps: 8, prediction: 'eps' }).step(out, 3, x, noise);
    expect(maxRelDiff(a, b)).toBeGreaterThan(1e-2);
  });
});
