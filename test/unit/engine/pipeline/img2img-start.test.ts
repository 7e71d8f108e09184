// Where image-to-image starts, per sampler, against values derived by hand from the conventions documented in
// img2img-start.ts (ldm/A1111 by timestep, k-diffusion/A1111 by sigma).
import { describe, expect, test } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { img2imgStart } from '../../../../main/engine/pipeline/img2img-start';
import { ALPHAS_CUMPROD } from '../../../../main/engine/schedulers/betas';
import { createScheduler } from '../../../../main/engine/schedulers/index';
import type { SigmaSampler } from '../../../../main/engine/schedulers/sigma-sampler';

/** σ(t) = sqrt((1 − ᾱ)/ᾱ), interpolated in log σ between integer timesteps (k-diffusion's DiscreteSchedule). */
function sigmaAt(t: number): number {
  const s = (i: number): number => Math.sqrt((1 - ALPHAS_CUMPROD[i]!) / ALPHAS_CUMPROD[i]!);
  const lo = Math.floor(t);
  const w = t - lo;
  return Math.exp((1 - w) * Math.log(s(lo)) + w * Math.log(s(Math.min(999, lo + 1))));
}

describe('DDIM and PLMS, 50 steps (timesteps 981, 961, …, 1)', () => {
  // t_enc = int(s·50) steps run; the first is the t_enc-th timestep from the end: (t_enc − 1)·20 + 1.
  test.each([
    [0.3, 15, 281], [0.5, 25, 481], [0.75, 37, 721],
  ])('strength %f: %i steps run from t = %i', (strength, run, firstT) => {
    const start = img2imgStart('ddim', 50, strength);
    expect(start).toEqual({ scheduleSteps: 50, startStep: 50 - run, stepsRun: run, pureNoise: false });
    expect(img2imgStart('plms', 50, strength)).toEqual(start);
    const ddim = createScheduler('ddim', { steps: 50, start: start.startStep });
    expect(ddim.timesteps).toHaveLength(run);
    expect(ddim.timesteps[0]).toBe(firstT);
    expect(ddim.timesteps.at(-1)).toBe(1);
    const plms = createScheduler('plms', { steps: 50, start: start.startStep });
    expect(plms.timesteps).toHaveLength(run + 1); // PLMS evaluates its first step twice
    expect(plms.timesteps[0]).toBe(firstT);
    // the input is noised to ᾱ of that timestep
    const x0 = new Float32Array([1]);
    const e = new Float32Array([0]);
    expect(ddim.addNoise(x0, e, 0)[0]).toBeCloseTo(Math.sqrt(ALPHAS_CUMPROD[firstT]!), 6);
  });

  test('at least one step runs', () => {
    expect(img2imgStart('ddim', 20, 0.01)).toEqual({ scheduleSteps: 20, startStep: 19, stepsRun: 1, pureNoise: false });
  });
});

describe('Euler / Euler a / DPM++ 2M, 20 steps (sigmas at t = 999·(1 − k/19))', () => {
  // t_enc = int(s·20); sigma_sched = sigmas[20 − t_enc − 1:], t_enc + 1 steps.
  test.each([
    [0.3, 6, 13], [0.5, 10, 9], [0.75, 15, 4],
  ])('strength %f: t_enc %i, start index %i', (strength, tEnc, startIndex) => {
    for (const sampler of ['euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras'] as const) {
      expect(img2imgStart(sampler, 20, strength)).toEqual({ scheduleSteps: 20, startStep: startIndex, stepsRun: tEnc + 1, pureNoise: false });
    }
    const t = 999 * (1 - startIndex / 19);
    const euler = createScheduler('euler', { steps: 20, start: startIndex }) as SigmaSampler;
    expect(euler.timesteps).toHaveLength(tEnc + 1);
    expect(euler.sigmas[0]! / sigmaAt(t)).toBeCloseTo(1, 5);
    expect(euler.timesteps[0]).toBeCloseTo(t, 2);
    expect(euler.addNoise(new Float32Array([0.5]), new Float32Array([1]), 0)[0]).toBeCloseTo(0.5 + sigmaAt(t), 4);
    // Karras: (σmax^(1/7) + k/19·(σmin^(1/7) − σmax^(1/7)))^7 between σ(0) and σ(999)
    const karras = createScheduler('dpmpp_2m_karras', { steps: 20, start: startIndex }) as SigmaSampler;
    const [lo, hi] = [sigmaAt(0) ** (1 / 7), sigmaAt(999) ** (1 / 7)];
    expect(karras.sigmas[0]! / (hi + (startIndex / 19) * (lo - hi)) ** 7).toBeCloseTo(1, 5);
    expect(karras.sigmas.at(-1)).toBe(0);
  });

  test('strength just below 1 runs every step (A1111 clamps to 0.999)', () => {
    expect(img2imgStart('euler', 20, 0.9999)).toEqual({ scheduleSteps: 20, startStep: 0, stepsRun: 20, pureNoise: false });
  });
});

describe('hires fix: exactly the steps asked for (A1111 "fix steps")', () => {
  test.each([[20, 0.7, 28], [10, 0.5, 20], [15, 0.3, 50]])('%i steps at strength %f: cut from a %i-step schedule', (steps, strength, total) => {
    for (const sampler of ['ddim', 'euler'] as const) {
      expect(img2imgStart(sampler, steps, strength, true)).toEqual({ scheduleSteps: total, startStep: total - steps, stepsRun: steps, pureNoise: false });
    }
  });
});

describe('every sampler', () => {
  test('strength 1 is text-to-image: every step, from pure noise', () => {
    for (const sampler of ['ddim', 'plms', 'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras'] as const) {
      expect(img2imgStart(sampler, 30, 1)).toEqual({ scheduleSteps: 30, startStep: 0, stepsRun: 30, pureNoise: true });
    }
  });

  test('a strength outside (0, 1] is a user error', () => {
    for (const s of [0, -0.5, 1.01, Number.NaN]) expect(() => img2imgStart('ddim', 20, s)).toThrow(EngineError);
  });
});
