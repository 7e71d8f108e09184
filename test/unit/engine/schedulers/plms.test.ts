import { describe, expect, test } from 'vitest';
import { ALPHAS_CUMPROD } from '../../../../main/engine/schedulers/betas';
import { DdimScheduler } from '../../../../main/engine/schedulers/ddim';
import { PlmsScheduler } from '../../../../main/engine/schedulers/plms';
import { describeScheduler, expectClose, fixedNoise, STEP_EPS, STEP_X } from './conformance';

describeScheduler({
  name: 'plms',
  create: (steps) => new PlmsScheduler(steps),
  evaluations: (steps) => steps + 1,
  noiseDraws: () => 0,
  toyFinalAlphaBar: ALPHAS_CUMPROD[0]!,
});

describe('plms: ldm PLMSSampler', () => {
  test('timesteps: DDIM\'s, with the second timestep evaluated twice', () => {
    expect(new PlmsScheduler(10).timesteps).toEqual([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(new PlmsScheduler(50).timesteps).toHaveLength(51);
    expect(new PlmsScheduler(1).timesteps).toEqual([1, 1]); // ldm: t_next = time_range[min(1, len - 1)]
  });

  test('the first six evaluations of 10 steps: bit-exact with ldm\'s float32 updates', () => {
    // Python (torch float32), ldm plms_sampling with the UNet outputs STEP_EPS[0..4] then STEP_EPS[0]:
    // step 0: x' = ddim(x, e0); e' = (e0 + e1) / 2; step 1: (3 e - e_old) / 2; step 2: (23 e - 16 e1 + 5 e2) / 12;
    // step 3 on: (55 e - 59 e1 + 37 e2 - 9 e3) / 24, each then through the DDIM update of that step.
    const expected = [
      [0.62095475, -1.8947632, 2.5460691, 0.5602525, -1.2426834, 5.218187, -2.7631712, 1.4597855],
      [0.683205, -2.081514, 3.0751965, -0.0933754, -1.1337454, 5.187062, -3.2611732, 1.693224],
      [1.6364919, -3.8578012, 4.6551447, -0.2932054, -2.835163, 8.251568, -5.700624, 2.5989187],
      [1.6778183, -3.9581158, 6.07341, -0.5905292, -2.4787686, 11.056366, -8.187371, 4.0711393],
      [2.4297204, -6.694439, 8.58169, -1.2607908, -5.229081, 15.906225, -10.144792, 4.212332],
      [2.9679604, -7.5271044, 9.518154, -0.46816254, -5.549531, 18.262886, -12.238324, 5.9103546],
    ];
    const s = new PlmsScheduler(10);
    const outputs = [...STEP_EPS, STEP_EPS[0]!];
    let x: Float32Array = new Float32Array(STEP_X);
    expected.forEach((row, i) => {
      x = s.step(outputs[i]!, i, x);
      expectClose(x, row, 0, `plms evaluation ${i}`);
    });
  });

  test('with a constant noise prediction every step is the DDIM step (up to float32 rounding)', () => {
    const plms = new PlmsScheduler(10);
    const ddim = new DdimScheduler(10);
    const eps = STEP_EPS[1]!;
    let xp: Float32Array = new Float32Array(STEP_X);
    let xd: Float32Array = new Float32Array(STEP_X);
    plms.timesteps.forEach((_, i) => {
      xp = plms.step(eps, i, xp);
      if (i === 0) return; // the provisional first-order step
      xd = ddim.step(eps, i - 1, xd, fixedNoise);
      for (let k = 0; k < xd.length; k++) expect(Math.abs(xp[k]! - xd[k]!)).toBeLessThanOrEqual(1e-6 * Math.abs(xd[k]!));
    });
  });

  test('evaluations must come in order; evaluation 0 starts over', () => {
    const s = new PlmsScheduler(10);
    const x = new Float32Array(STEP_X);
    const first = s.step(STEP_EPS[0]!, 0, x);
    expect(() => s.step(STEP_EPS[1]!, 2, first)).toThrow(/expects evaluation 1/);
    expect(s.step(STEP_EPS[0]!, 0, x)).toEqual(first);
  });
});
