import { describe, expect, test } from 'vitest';
import { Dpmpp2mScheduler } from '../../../../main/engine/schedulers/dpmpp-2m';
import { describeScheduler, expectClose, STEP_EPS, STEP_X } from './conformance';

describeScheduler({
  name: 'dpmpp_2m',
  create: (steps) => new Dpmpp2mScheduler(steps),
  evaluations: (steps) => steps,
  noiseDraws: () => 0,
  toyFinalAlphaBar: 1,
});

describeScheduler({
  name: 'dpmpp_2m_karras',
  create: (steps) => new Dpmpp2mScheduler(steps, { karras: true }),
  evaluations: (steps) => steps,
  noiseDraws: () => 0,
  toyFinalAlphaBar: 1,
});

/** Runs the first steps from STEP_X with the UNet outputs STEP_EPS[0], [1], ... */
function firstSteps(s: Dpmpp2mScheduler, count: number): Float32Array[] {
  let x: Float32Array = new Float32Array(STEP_X);
  return Array.from({ length: count }, (_, i) => (x = s.step(STEP_EPS[i]!, i, x)));
}

// Expected numbers: k-diffusion get_sigmas_karras / sample_dpmpp_2m re-typed in torch float32 (see
// conformance.ts). torch evaluates t = -log(sigma), exp and expm1 in float32, we in float64: ~1e-6 apart.
describe('dpmpp_2m: k-diffusion DPM-Solver++(2M)', () => {
  test('Karras schedule (10 steps, rho 7, between sigma_min and sigma_max) and its timesteps', () => {
    const s = new Dpmpp2mScheduler(10, { karras: true });
    expectClose(s.sigmas, [14.614643, 9.102934, 5.4783993, 3.1686094, 1.7494234, 0.91407657, 0.44692087,
      0.20139983, 0.08191108, 0.029167539, 0], 1e-6, 'karras sigmas (10)');
    expectClose(s.timesteps, [999, 916.284, 815.04504, 687.1532, 523.19916, 327.14737, 145.93924, 40.85698,
      6.7324586, 0], 1e-6, 'karras timesteps (10)');
  });

  test('first three steps (first order, then second order), default schedule', () => {
    const expected = [
      [-1.5324283, 0.10495198, -5.452236, 6.097284, -1.0887381, -1.2423322, 7.2346644, -0.69369006],
      [-1.5799576, -2.0139554, -1.1717093, -0.67275095, 0.36267197, -3.9646695, 4.384192, 1.9549443],
      [0.22909379, -4.0299215, -1.9640272, -0.014603138, -3.406929, -2.437131, 2.7307932, 1.7542994],
    ];
    firstSteps(new Dpmpp2mScheduler(10), 3).forEach((x, i) => expectClose(x, expected[i]!, 1e-5, `dpmpp_2m step ${i}`));
  });

  test('first three steps, Karras schedule', () => {
    const expected = [
      [-1.1535132, -0.14765793, -4.062881, 4.960539, -1.0255855, -0.3581972, 5.4663944, -0.3779276],
      [-1.1272101, -2.7637413, 1.4162705, -3.470847, 0.7420989, -3.4522035, 1.6314353, 2.8921766],
      [1.5742261, -5.7302866, 0.35370526, -2.5488646, -4.809432, -1.0781459, -0.9594794, 2.6009157],
    ];
    firstSteps(new Dpmpp2mScheduler(10, { karras: true }), 3)
      .forEach((x, i) => expectClose(x, expected[i]!, 1e-5, `dpmpp_2m_karras step ${i}`));
  });

  test('two steps: the last step returns the denoised estimate', () => {
    const [, last] = firstSteps(new Dpmpp2mScheduler(2), 2);
    expectClose(last!, [-3.8785598, 1.655428, -14.026522, 13.091927, -1.4705235, -6.733167, 18.163834, -2.631785],
      1e-6, 'dpmpp_2m last step');
  });

  test('steps must come in order; step 0 starts over', () => {
    const s = new Dpmpp2mScheduler(10);
    const x = new Float32Array(STEP_X);
    const first = s.step(STEP_EPS[0]!, 0, x);
    expect(() => s.step(STEP_EPS[1]!, 2, first)).toThrow(/expects step 1/);
    expect(s.step(STEP_EPS[0]!, 0, x)).toEqual(first);
  });
});
