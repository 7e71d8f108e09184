import { describe, expect, test } from 'vitest';
import { ancestralStep, EulerAncestralScheduler } from '../../../../main/engine/schedulers/euler-ancestral';
import { EulerScheduler } from '../../../../main/engine/schedulers/euler';
import { describeScheduler, expectClose, fixedNoise, STEP_EPS, STEP_X } from './conformance';

describeScheduler({
  name: 'euler_a',
  create: (steps) => new EulerAncestralScheduler(steps),
  evaluations: (steps) => steps,
  noiseDraws: (steps) => steps - 1, // no noise after the last step (sigma_next = 0)
  toyFinalAlphaBar: 1,
});

// Expected numbers: k-diffusion get_ancestral_step / sample_euler_ancestral re-typed in torch float32
// (see conformance.ts), with the noise STEP_NOISE.
describe('euler_a: k-diffusion ancestral step', () => {
  test('get_ancestral_step at i = 3 of 10', () => {
    const s = new EulerAncestralScheduler(10);
    const { sigmaDown, sigmaUp } = ancestralStep(s.sigmas[3]!, s.sigmas[4]!);
    expectClose([sigmaDown, sigmaUp], [1.3031973, 1.4507952], 1e-6, 'euler_a sigma_down, sigma_up');
    expect(ancestralStep(2, 1, 0)).toEqual({ sigmaDown: 1, sigmaUp: 0 });
    expect(ancestralStep(2, 0)).toEqual({ sigmaDown: 0, sigmaUp: 0 });
  });

  test('one step (i = 3 of 10) with known noise', () => {
    // Python: x + d * (sigma_down - sigma) + noise * sigma_up
    const out = new EulerAncestralScheduler(10).step(STEP_EPS[0]!, 3, new Float32Array(STEP_X), fixedNoise);
    expectClose(out, [2.19166, -1.6523756, 0.5860779, -1.4479916, 0.25734085, 2.5145028, -1.4396415, 1.4666996], 1e-6,
      'euler_a step');
  });

  test('same schedule and timesteps as Euler; the last step is a plain Euler step to sigma 0', () => {
    const a = new EulerAncestralScheduler(10);
    const e = new EulerScheduler(10);
    expect(a.sigmas).toEqual(e.sigmas);
    expect(a.timesteps).toEqual(e.timesteps);
    const x = new Float32Array(STEP_X);
    expect(a.step(STEP_EPS[1]!, 9, x, fixedNoise)).toEqual(e.step(STEP_EPS[1]!, 9, x));
  });
});
