// The contract every sampler must keep, run by each scheduler's own test file:
// timesteps (count, order, range), step shapes, inputs never mutated, determinism, noise drawn only where the
// algorithm draws it, and a toy problem with a known answer: data that is a single point x0 and a "UNet" that
// returns the exact noise of its input. Every sampler must then land on x0 (sigma samplers end at sigma 0), or
// for DDIM/PLMS, whose last step ends at alphas_cumprod[0], on sqrt(a0) * x0 + sqrt(1 - a0) * e0.
// Ref: diffusers tests/schedulers/test_schedulers.py (SchedulerCommonTest).

import { describe, expect, test } from 'vitest';
import { createRng } from '../../../../main/engine/pipeline/rng';
import type { NoiseSource, SamplerName, Scheduler } from '../../../../main/engine/schedulers/scheduler';
import { tToSigma } from '../../../../main/engine/schedulers/sigmas';
import { createScheduler } from '../../../../main/engine/schedulers/index';

export interface SchedulerSpec {
  name: SamplerName;
  label?: string;
  create(steps: number): Scheduler;
  /** UNet evaluations for a step count. */
  evaluations(steps: number): number;
  /** How many times one full run draws noise (0 for deterministic samplers). */
  noiseDraws(steps: number): number;
  /**
   * alphas_cumprod where the toy run ends (1 = clean data), or null when the end point depends on the
   * noise drawn (stochastic DDIM has its own test).
   */
  toyFinalAlphaBar: number | null;
}

/** ldm's uniform DDIM schedule has len(range(0, 1000, 1000 // steps)) steps (31 for 30, 8 for 7). */
/** Counts draws and hands out seeded normals. */
export class CountingNoise implements NoiseSource {
  draws = 0;
  private readonly rng;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }
  randn(count: number): Float32Array {
    this.draws++;
    return this.rng.randn(count);
  }
}

/** alphas_cumprod at a fractional timestep, through k-diffusion's log-sigma interpolation. */
export function alphaBarAt(t: number): number {
  const sigma = tToSigma(t);
  return 1 / (1 + sigma * sigma);
}

/** The oracle UNet for data x0: given the scaled input at timestep t, the exact noise in it. */
export function exactEps(x0: Float32Array, scaled: Float32Array, t: number): Float32Array {
  const a = alphaBarAt(t);
  const out = new Float32Array(x0.length);
  for (let k = 0; k < x0.length; k++) out[k] = (scaled[k]! - Math.sqrt(a) * x0[k]!) / Math.sqrt(1 - a);
  return out;
}

/** Runs a whole sampling loop; `model` gives eps for the scaled input of evaluation i. */
export function runSampler(scheduler: Scheduler, xT: Float32Array, noise: NoiseSource,
  model: (scaled: Float32Array, t: number, i: number) => Float32Array): Float32Array {
  let x: Float32Array = Float32Array.from(xT, (v) => v * scheduler.initNoiseSigma);
  scheduler.timesteps.forEach((t, i) => {
    const eps = model(scheduler.scaleModelInput(x, i), t, i);
    x = scheduler.step(eps, i, x, noise);
  });
  return x;
}

// Inputs of the one-step checks in the per-scheduler files. Their expected outputs were computed once with a
// throwaway Python script (torch 1.13, float32): ldm's DDIMSampler/PLMSSampler formulas, and k-diffusion's
// DiscreteSchedule, CompVisDenoiser, get_sigmas_karras, get_ancestral_step, sample_euler,
// sample_euler_ancestral and sample_dpmpp_2m re-typed line by line, on alphas_cumprod from the numpy float64
// cumprod cast to float32. The UNet outputs below stand in for eps; STEP_NOISE is the ancestral/eta noise.
export const STEP_X = [0.5, -1.25, 2.0, 0.0, -0.75, 3.5, -2.25, 1.0];
export const STEP_EPS = [
  [0.3, -0.2, 1.1, -0.9, 0.05, 0.7, -1.4, 0.25],
  [0.1, 0.4, -0.6, 1.2, -0.3, 0.8, 0.2, -0.5],
  [-0.7, 0.9, 0.3, -0.1, 1.5, -0.4, 0.6, 0.0],
  [0.2, -1.1, 0.5, 0.35, -0.8, 0.15, 1.0, -0.6],
  [0.45, 0.05, -0.25, 0.9, 0.6, -1.2, -0.3, 0.8],
].map((v) => new Float32Array(v));
export const STEP_NOISE = [1.5, -0.5, 0.25, -2.0, 0.75, 0.1, -1.0, 0.6];

/** A NoiseSource that always returns STEP_NOISE. */
export const fixedNoise: NoiseSource = { randn: () => new Float32Array(STEP_NOISE) };

/** got vs expected, relative to the largest |expected|; relTol 0 means bit-exact in float32. */
export function expectClose(got: ArrayLike<number>, expected: readonly number[], relTol: number, label: string): void {
  expect(got).toHaveLength(expected.length);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(got[k]! - Math.fround(expected[k]!)) / scale);
  console.log(`${label}: max relative error ${worst.toExponential(2)}`);
  expect(worst).toBeLessThanOrEqual(relTol);
}

const LATENT = 2 * 4 * 8 * 8; // batch 2, 4 channels, 8x8

function randomData(seed: number, n = LATENT): Float32Array {
  return createRng(seed).randn(n);
}

export function describeScheduler(spec: SchedulerSpec): void {
  describe(`${spec.label ?? spec.name}: scheduler conformance`, () => {
    test.each([1, 2, 7, 10, 50])('timesteps for %i steps: count, order, range', (steps) => {
      const s = spec.create(steps);
      expect(s.name).toBe(spec.name);
      expect(s.timesteps).toHaveLength(spec.evaluations(steps));
      expect(Number.isFinite(s.initNoiseSigma) && s.initNoiseSigma >= 1).toBe(true);
      s.timesteps.forEach((t, i) => {
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(999);
        if (i > 0) expect(t).toBeLessThanOrEqual(s.timesteps[i - 1]!);
      });
    });

    test('steps return fresh arrays of the input size and never mutate their inputs', () => {
      const s = spec.create(10);
      const noise = new CountingNoise(1);
      let x = randomData(2);
      s.timesteps.forEach((_, i) => {
        const xBefore = x.slice();
        const scaled = s.scaleModelInput(x, i);
        expect(scaled).toBeInstanceOf(Float32Array);
        expect(scaled).toHaveLength(x.length);
        expect(scaled).not.toBe(x);
        const eps = randomData(100 + i);
        const epsBefore = eps.slice();
        const next = s.step(eps, i, x, noise);
        expect(next).toBeInstanceOf(Float32Array);
        expect(next).toHaveLength(x.length);
        expect(next).not.toBe(x);
        expect(next).not.toBe(eps);
        expect(x).toEqual(xBefore);
        expect(eps).toEqual(epsBefore);
        expect(next.every(Number.isFinite)).toBe(true);
        x = next;
      });
      expect(noise.draws).toBe(spec.noiseDraws(10));
    });

    test('deterministic: the same inputs and noise seed give identical samples', () => {
      const model = (_: Float32Array, __: number, i: number) => randomData(200 + i);
      const runs = [0, 1].map(() => runSampler(spec.create(12), randomData(3), new CountingNoise(4), model));
      expect(runs[1]).toEqual(runs[0]);
    });

    test('rejects a step outside the schedule and a prediction of the wrong size', () => {
      const s = spec.create(5);
      const x = randomData(5);
      expect(() => s.step(x, s.timesteps.length, x, new CountingNoise(1))).toThrow(RangeError);
      expect(() => s.step(x.subarray(1), 0, x, new CountingNoise(1))).toThrow(RangeError);
    });

    test('addNoise: the level of each evaluation, and x0 itself after the last one', () => {
      const s = spec.create(10);
      const x0 = randomData(9);
      const e = randomData(10);
      expect(s.addNoise(x0, e, s.timesteps.length)).toEqual(x0);
      s.timesteps.forEach((t, i) => {
        const a = alphaBarAt(t); // the level in ᾱ; sigma samplers keep x unscaled: x0 + σ·e = (√ᾱ·x0 + √(1−ᾱ)·e)/√ᾱ
        const noised = s.addNoise(x0, e, i);
        const unscale = s.initNoiseSigma === 1 ? 1 : 1 / Math.sqrt(a);
        for (const k of [0, 17, 99]) {
          expect(noised[k]).toBeCloseTo((Math.sqrt(a) * x0[k]! + Math.sqrt(1 - a) * e[k]!) * unscale, 3);
        }
      });
    });

    const finalAlphaBar = spec.toyFinalAlphaBar;
    if (finalAlphaBar === null) return;
    test.each([[10, 3], [25, 20], [7, 5]])('image-to-image toy, %i steps from step %i: lands where the exact noise says', (steps, start) => {
      const x0 = Float32Array.from(randomData(11), (v) => Math.tanh(v));
      const e0 = randomData(12);
      const s = createScheduler(spec.name, { steps, start });
      expect(s.timesteps).toHaveLength(spec.evaluations(steps - start));
      let x = s.addNoise(x0, e0, 0);
      const noise = new CountingNoise(13);
      s.timesteps.forEach((t, i) => { x = s.step(exactEps(x0, s.scaleModelInput(x, i), t), i, x, noise); });
      let maxError = 0;
      for (let k = 0; k < x0.length; k++) {
        maxError = Math.max(maxError, Math.abs(x[k]! - (Math.sqrt(finalAlphaBar) * x0[k]! + Math.sqrt(1 - finalAlphaBar) * e0[k]!)));
      }
      expect(maxError).toBeLessThan(1e-5);
    });
    test.each([2, 7, 25, 50])('toy problem, %i steps: lands where the exact noise says', (steps) => {
      const x0 = Float32Array.from(randomData(6), (v) => Math.tanh(v)); // a fixed "image" in (-1, 1)
      const s = spec.create(steps);
      let e0: Float32Array | null = null;
      const final = runSampler(s, randomData(7), new CountingNoise(8), (scaled, t) => {
        const eps = exactEps(x0, scaled, t);
        e0 ??= eps;
        return eps;
      });
      let maxError = 0;
      for (let k = 0; k < x0.length; k++) {
        const expected = Math.sqrt(finalAlphaBar) * x0[k]! + Math.sqrt(1 - finalAlphaBar) * e0![k]!;
        maxError = Math.max(maxError, Math.abs(final[k]! - expected));
      }
      console.log(`${spec.label ?? spec.name} toy, ${steps} steps: max abs error ${maxError.toExponential(2)}`);
      expect(maxError).toBeLessThan(1e-5); // float32 rounding only
    });
  });
}
