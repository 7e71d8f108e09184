import { describe, expect, test } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { ALPHAS_CUMPROD } from '../../../../main/engine/schedulers/betas';
import { DdimScheduler, ddimTimesteps } from '../../../../main/engine/schedulers/ddim';
import {
  CountingNoise, describeScheduler, exactEps, expectClose, fixedNoise, runSampler, STEP_EPS, STEP_X,
} from './conformance';

describeScheduler({
  name: 'ddim',
  create: (steps) => new DdimScheduler(steps),
  evaluations: (steps) => steps,
  noiseDraws: () => 0,
  toyFinalAlphaBar: ALPHAS_CUMPROD[0]!,
});

describeScheduler({
  name: 'ddim',
  label: 'ddim (eta 0.5)',
  create: (steps) => new DdimScheduler(steps, 0.5),
  evaluations: (steps) => steps,
  noiseDraws: (steps) => steps, // one torch.randn(x.shape) per step, like ldm
  toyFinalAlphaBar: null,
});

describe('ddim: ldm schedule and update', () => {
  test('10 steps: uniform timesteps and float32 coefficients', () => {
    // Python: c = 1000 // 10; ts = range(0, 1000, c) + 1; a_t = ac[ts]; a_prev = [ac[0]] + ac[ts[:-1]];
    // sqrt(1 - a_t) in float32 (ldm make_ddim_sampling_parameters), listed in sampling order.
    const s = new DdimScheduler(10);
    expect(s.timesteps).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    const expected = [[901, 0.014004898, 0.036546525, 0.99297285], [801, 0.036546525, 0.08191671, 0.98155665],
      [701, 0.08191671, 0.15981644, 0.95816666], [601, 0.15981644, 0.27499905, 0.91661525],
      [501, 0.27499905, 0.4228815, 0.8514699], [401, 0.4228815, 0.5888187, 0.7596832],
      [301, 0.5888187, 0.7521434, 0.64123416], [201, 0.7521434, 0.8929805, 0.497852],
      [101, 0.8929805, 0.998296, 0.32713833], [1, 0.998296, 0.99915, 0.041279264]];
    expect(s.steps.map((c) => [c.t, c.aT, c.aPrev, c.sqrtOneMinusAT]))
      .toEqual(expected.map((row) => row.map(Math.fround)));
    expect(s.steps.every((c) => c.sigma === 0)).toBe(true);
  });

  test('exactly the requested steps; ldm\'s uniform grid when the count divides 1000', () => {
    expect(ddimTimesteps(30).slice(0, 3)).toEqual([958, 925, 892]);
    expect(ddimTimesteps(30)).toHaveLength(30);
    expect(ddimTimesteps(3)).toEqual([667, 334, 1]); // ldm would give 4 steps ending at t = 1000
    expect(ddimTimesteps(50)).toEqual(Array.from({ length: 50 }, (_, k) => 981 - 20 * k));
    expect(ddimTimesteps(1)).toEqual([1]);
    expect(ddimTimesteps(1000)).toHaveLength(1000);
  });

  test('one step (k = 3 of 10), eta 0: bit-exact with ldm\'s float32 update', () => {
    // Python (torch float32): pred_x0 = (x - sqrt_one_minus_at * e) / a_t.sqrt();
    // x_prev = a_prev.sqrt() * pred_x0 + (1 - a_prev - sigma**2).sqrt() * e
    const out = new DdimScheduler(10).step(STEP_EPS[0]!, 3, new Float32Array(STEP_X), fixedNoise);
    expectClose(out, [0.5506075, -1.5695196, 2.2375212, 0.3158195, -1.0013667, 4.3455276, -2.4601884, 1.2240338], 0,
      'ddim step');
  });

  test('eta 0.5: sigmas and one step with known noise', () => {
    // Python: sigma = eta * sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)), then + sigma * noise
    const s = new DdimScheduler(10, 0.5);
    expectClose(s.steps.map((c) => c.sigma), [0.38816607, 0.36324087, 0.33394372, 0.30059382, 0.2638045, 0.224045,
      0.18089607, 0.13047844, 0.020492125, 0.010324177], 0, 'ddim eta 0.5 sigmas');
    const out = s.step(STEP_EPS[0]!, 3, new Float32Array(STEP_X), fixedNoise);
    expectClose(out, [0.985051, -1.7088518, 2.2523627, -0.2360264, -0.77866256, 4.33721, -2.6840281, 1.390684], 0,
      'ddim eta 0.5 step');
  });

  test('eta 1 on the toy problem ends at x0 plus noise of the size of sqrt(1 - alphas_cumprod[0])', () => {
    const n = 4096;
    const x0 = Float32Array.from(new CountingNoise(11).randn(n), Math.tanh);
    const final = runSampler(new DdimScheduler(25, 1), new CountingNoise(12).randn(n), new CountingNoise(13),
      (scaled, t) => exactEps(x0, scaled, t));
    const a0 = ALPHAS_CUMPROD[0]!;
    let sumSq = 0;
    for (let k = 0; k < n; k++) sumSq += (final[k]! - Math.sqrt(a0) * x0[k]!) ** 2;
    const ratio = Math.sqrt(sumSq / n) / Math.sqrt(1 - a0);
    console.log(`ddim eta 1 toy: residual noise ${ratio.toFixed(3)} x sqrt(1 - a0)`);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  test('rejects steps and eta the user can get wrong', () => {
    for (const [steps, eta] of [[0, 0], [1001, 0], [2.5, 0], [Number.NaN, 0], [10, -0.1], [10, 1.5], [10, Number.NaN]]) {
      let error: unknown;
      try {
        new DdimScheduler(steps!, eta);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('invalid-parameters');
    }
  });
});
