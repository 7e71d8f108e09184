import { describe, expect, test } from 'vitest';
import { EulerScheduler } from '../../../../main/engine/schedulers/euler';
import { SIGMA_MAX, SIGMA_MIN, sigmaToT, tToSigma } from '../../../../main/engine/schedulers/sigmas';
import { describeScheduler, expectClose, STEP_EPS, STEP_X } from './conformance';

describeScheduler({
  name: 'euler',
  create: (steps) => new EulerScheduler(steps),
  evaluations: (steps) => steps,
  noiseDraws: () => 0,
  toyFinalAlphaBar: 1,
});

// Expected numbers: k-diffusion DiscreteSchedule / CompVisDenoiser / sample_euler re-typed in torch float32
// (see conformance.ts). Our interpolation runs in float64, so sigmas agree to about 1 float32 ulp.
describe('euler: k-diffusion schedule and step', () => {
  test('the model\'s sigma range', () => {
    expect(SIGMA_MIN).toBe(Math.fround(0.029167533)); // sigmas[0].item()
    expect(SIGMA_MAX).toBe(Math.fround(14.614642)); // sigmas[-1].item()
  });

  test('10 steps: get_sigmas(10) and the UNet timesteps sigma_to_t(sigma)', () => {
    const s = new EulerScheduler(10);
    expectClose(s.sigmas, [14.614643, 7.839883, 4.6091743, 2.918307, 1.9501615, 1.3449278, 0.93235797, 0.62497693,
      0.36865777, 0.029167537, 0], 1e-6, 'euler sigmas (10)');
    expectClose(s.timesteps, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0], 1e-6, 'euler timesteps (10)');
    expect(s.initNoiseSigma).toBe(s.sigmas[0]);
  });

  test('50 steps: both ends of the schedule', () => {
    const s = new EulerScheduler(50);
    expectClose(s.sigmas.slice(0, 3), [14.614643, 12.93672, 11.491613], 1e-6, 'euler sigmas (50) head');
    expectClose(s.sigmas.slice(-3), [0.13932697, 0.029167537, 0], 1e-6, 'euler sigmas (50) tail');
  });

  test('t_to_sigma and sigma_to_t invert each other, fractional t included', () => {
    for (const t of [0, 0.5, 1, 17.25, 500, 998.75, 999]) expect(sigmaToT(tToSigma(t))).toBeCloseTo(t, 3);
    expect(tToSigma(0)).toBeCloseTo(SIGMA_MIN, 6);
    expect(sigmaToT(100)).toBe(999); // beyond the model's range: clamped like k-diffusion
    expect(sigmaToT(1e-3)).toBe(0);
  });

  test('one step (i = 3 of 10): input scaling and the Euler update', () => {
    // Python: c_in = 1 / (sigma**2 + 1)**0.5; denoised = x + eps * -sigma; d = (x - denoised) / sigma;
    // x + d * (sigma_next - sigma)
    const s = new EulerScheduler(10);
    const x = new Float32Array(STEP_X);
    expectClose(s.scaleModelInput(x, 3), [0.16208059, -0.40520146, 0.64832234, 0, -0.24312088, 1.1345642,
      -0.7293626, 0.32416117], 1e-6, 'euler scaled input');
    expectClose(s.step(STEP_EPS[0]!, 3, x), [0.20955631, -1.0563709, 0.93503976, 0.87133104,
      -0.7984073, 2.822298, -0.8945962, 0.7579636], 1e-6, 'euler step');
  });
});
