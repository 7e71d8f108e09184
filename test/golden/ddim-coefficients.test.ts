// DDIM against the official ldm run of the tiny-sd1 reference (README section 6): the schedule, the per-step
// float32 coefficients (sampling.json -> ddim_steps) and the update itself, applied to the recorded UNet
// outputs of the DaTo run (sample_dato_eps.npy, guidance 7.5) to rebuild sample_dato_trajectory.npy.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALPHAS_CUMPROD, scaledLinearBetas } from '../../main/engine/schedulers/betas';
import { DdimScheduler } from '../../main/engine/schedulers/ddim';
import type { NoiseSource } from '../../main/engine/schedulers/scheduler';
import { readNpy } from '../../main/engine/util/npy';
import { tinyRefDir } from '../helpers/paths';

const f32 = Math.fround;
const config = JSON.parse(readFileSync(resolve(tinyRefDir, 'config.json'), 'utf8')) as {
  schedule: { betas_float64: number[]; alphas_cumprod_float32: number[] };
  sampler: { steps: number; eta: number; guidance_scale: number; timesteps: number[] };
};
const sampling = JSON.parse(readFileSync(resolve(tinyRefDir, 'sampling.json'), 'utf8')) as {
  ddim_steps: { index: number; t: number; a_t: number; a_prev: number; sqrt_one_minus_a_t: number; sigma_t: number }[];
};
const noNoise: NoiseSource = { randn: () => { throw new Error('DDIM with eta 0 must not draw noise'); } };

describe('SD1 schedule vs ldm', () => {
  test('betas (float64) and alphas_cumprod (float32)', () => {
    const betas = scaledLinearBetas();
    const ref = config.schedule.betas_float64;
    let maxRel = 0;
    ref.forEach((b, i) => { maxRel = Math.max(maxRel, Math.abs(betas[i]! - b) / b); });
    console.log(`betas: max relative difference ${maxRel.toExponential(2)} (torch 1.13's vectorised linspace rounds differently)`);
    expect(betas).toHaveLength(1000);
    expect(maxRel).toBeLessThanOrEqual(1e-15); // a float64 ulp or two of the root, squared
    expect(Array.from(ALPHAS_CUMPROD)).toEqual(config.schedule.alphas_cumprod_float32); // bit-exact
  });
});

describe('DDIM vs ldm DDIMSampler (50 steps, eta 0)', () => {
  const scheduler = new DdimScheduler(config.sampler.steps, config.sampler.eta);

  test('timesteps and per-step float32 coefficients equal sampling.json', () => {
    expect(scheduler.timesteps).toEqual(config.sampler.timesteps);
    expect(scheduler.steps.map((s) => [s.t, s.aT, s.aPrev, s.sqrtOneMinusAT, s.sigma]))
      .toEqual(sampling.ddim_steps.map((s) => [s.t, s.a_t, s.a_prev, s.sqrt_one_minus_a_t, s.sigma_t]));
    expect(sampling.ddim_steps[49]!.a_prev).toBe(ALPHAS_CUMPROD[0]); // the last step ends at alphas_cumprod[0]
  });

  test('the update applied to the recorded guided eps rebuilds the trajectory', () => {
    const eps = readNpy(resolve(tinyRefDir, 'sample_dato_eps.npy'));
    const trajectory = readNpy(resolve(tinyRefDir, 'sample_dato_trajectory.npy'));
    expect(eps.shape).toEqual([50, 2, 4, 32, 32]);
    expect(trajectory.shape).toEqual([51, 1, 4, 32, 32]);
    const n = 4 * 32 * 32;
    const epsData = eps.data as Float32Array;
    const trajData = trajectory.data as Float32Array;
    const at = (k: number) => trajData.subarray(k * n, (k + 1) * n);
    const guidance = config.sampler.guidance_scale;

    let chained = at(0);
    let worstTeacher = 0;
    let worstChained = 0;
    for (let k = 0; k < 50; k++) {
      const uncond = epsData.subarray((2 * k) * n, (2 * k + 1) * n);
      const cond = epsData.subarray((2 * k + 1) * n, (2 * k + 2) * n);
      // ldm: e_t = e_t_uncond + scale * (e_t - e_t_uncond), in float32
      const guided = Float32Array.from(uncond, (u, i) => f32(u + f32(guidance * f32(cond[i]! - u))));
      const expected = at(k + 1);
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const fromReference = scheduler.step(guided, k, at(k), noNoise);
      chained = scheduler.step(guided, k, chained, noNoise);
      for (let i = 0; i < n; i++) {
        worstTeacher = Math.max(worstTeacher, Math.abs(fromReference[i]! - expected[i]!) / scale);
        worstChained = Math.max(worstChained, Math.abs(chained[i]! - expected[i]!) / scale);
      }
    }
    console.log(`DDIM trajectory: max relative error per step ${worstTeacher.toExponential(2)}, chained over 50 steps ${worstChained.toExponential(2)}`);
    expect(worstTeacher).toBeLessThanOrEqual(1e-5);
    expect(worstChained).toBeLessThanOrEqual(1e-5);
  });
});
