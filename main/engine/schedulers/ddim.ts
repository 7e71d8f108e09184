// DDIM exactly as ldm's DDIMSampler runs it: "uniform" timesteps, float32 coefficients, and the update
// evaluated op by op in float32 (which is why it reproduces the reference trajectory bit for bit).
// Ref: ldm/models/diffusion/ddim.py (make_schedule, p_sample_ddim),
//      ldm/modules/diffusionmodules/util.py (make_ddim_timesteps, make_ddim_sampling_parameters).

import { alphaBar, sqrtAlphaBars, TRAIN_TIMESTEPS } from './betas';
import { checkEta, checkStepInputs, checkSteps, noiseToAlphaBar } from './options';
import { epsFromV, x0FromV, type Prediction } from './prediction';
import type { ScheduleOptions } from './scheduler';
import type { NoiseSource, Scheduler } from './scheduler';

const f32 = Math.fround;

/** The float32 scalars of one DDIM step, as ldm's buffers hold them. */
export interface DdimStep {
  /** Model timestep. */
  t: number;
  /** alphas_cumprod[t]. */
  aT: number;
  /** alphas_cumprod of the next (lower) timestep; alphas_cumprod[0] for the last step. */
  aPrev: number;
  /** sqrt(1 - a_t), evaluated in float32. */
  sqrtOneMinusAT: number;
  /** eta * sqrt((1 - a_prev) / (1 - a_t)) * sqrt(1 - a_t / a_prev). */
  sigma: number;
  /** The model's sqrt_alphas_cumprod[t] and sqrt_one_minus_alphas_cumprod[t] (v conversion). */
  sqrtA: number;
  sqrtOneMinusA: number;
}

/**
 * Exactly `steps` timesteps k·(1000 // steps) + 1, in sampling (descending) order. When `steps` divides 1000
 * this is ldm's make_ddim_timesteps('uniform') (range(0, 1000, 1000 // steps) + 1; 50 → 981, 961, …, 1).
 * ldm's range also yields extra timesteps for other counts (30 → 31, 3 → 4 ending at t = 1000, which
 * crashes ldm); we keep diffusers' 'leading' spacing there instead, so a user asking for 30 steps gets 30.
 */
export function ddimTimesteps(steps: number): number[] {
  checkSteps(steps);
  const stride = Math.floor(TRAIN_TIMESTEPS / steps);
  return Array.from({ length: steps }, (_, k) => (steps - 1 - k) * stride + 1);
}

/** make_ddim_sampling_parameters, in sampling order (the first entry is the noisiest step). */
export function ddimSteps(steps: number, eta: number): DdimStep[] {
  checkEta(eta);
  const descending = ddimTimesteps(steps);
  return descending.map((t, k) => {
    const aT = alphaBar(t);
    const next = descending[k + 1];
    const aPrev = next === undefined ? alphaBar(0) : alphaBar(next);
    // ldm mixes numpy float64 with torch float32 here: 1 - a_t is a float32 op, the rest float64.
    const sigma = eta * Math.sqrt((1 - aPrev) / f32(1 - aT) * (1 - aT / aPrev));
    return { t, aT, aPrev, sqrtOneMinusAT: f32(Math.sqrt(f32(1 - aT))), sigma: f32(sigma), ...sqrtAlphaBars(t) };
  });
}

/**
 * One p_sample_ddim update in float32, returning a new array:
 *   pred_x0 = (x - sqrt(1 - a_t) * e) / sqrt(a_t)
 *   x_prev  = sqrt(a_prev) * pred_x0 + sqrt(1 - a_prev - sigma^2) * e + sigma * noise
 * `noise` (standard normal, same length as x) is required exactly when sigma > 0.
 */
export function ddimUpdate(x: Float32Array, e: Float32Array, c: DdimStep, noise: Float32Array | null): Float32Array {
  const sqrtAT = f32(Math.sqrt(c.aT));
  const predX0 = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) predX0[i] = f32(f32(x[i]! - f32(c.sqrtOneMinusAT * e[i]!)) / sqrtAT);
  return ddimCombine(predX0, e, c, noise);
}

/**
 * The v-parameterized step as ldm's p_sample_ddim runs it: e_t and pred_x0 both from v
 * (see prediction.ts), then the same update as for eps.
 */
export function ddimUpdateV(x: Float32Array, v: Float32Array, c: DdimStep, noise: Float32Array | null): Float32Array {
  return ddimCombine(x0FromV(v, x, c.sqrtA, c.sqrtOneMinusA), epsFromV(v, x, c.sqrtA, c.sqrtOneMinusA), c, noise);
}

/** x_prev = sqrt(a_prev) * pred_x0 + sqrt(1 - a_prev - sigma^2) * e + sigma * noise, in float32. */
function ddimCombine(predX0: Float32Array, e: Float32Array, c: DdimStep, noise: Float32Array | null): Float32Array {
  const sqrtAPrev = f32(Math.sqrt(c.aPrev));
  const dirCoef = f32(Math.sqrt(f32(f32(1 - c.aPrev) - f32(c.sigma * c.sigma))));
  const out = new Float32Array(predX0.length);
  for (let i = 0; i < predX0.length; i++) {
    let value = f32(f32(sqrtAPrev * predX0[i]!) + f32(dirCoef * e[i]!));
    if (noise) value = f32(value + f32(c.sigma * noise[i]!));
    out[i] = value;
  }
  return out;
}

export class DdimScheduler implements Scheduler {
  readonly name = 'ddim' as const;
  readonly timesteps: readonly number[];
  readonly initNoiseSigma = 1;
  readonly steps: readonly DdimStep[];

  readonly prediction: Prediction;

  constructor(steps: number, eta = 0, { start = 0, prediction = 'eps' }: ScheduleOptions = {}) {
    this.prediction = prediction;
    checkSteps(steps);
    this.steps = ddimSteps(steps, eta).slice(start);
    this.timesteps = this.steps.map((s) => s.t);
  }

  scaleModelInput(x: Float32Array): Float32Array {
    return x.slice();
  }

  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array {
    const c = this.steps[i];
    return c === undefined ? x0.slice() : noiseToAlphaBar(x0, noise, c.aT);
  }

  /** ldm draws torch.randn(x.shape) at every step; with eta = 0 it is multiplied by 0, so we skip the draw. */
  step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource): Float32Array {
    checkStepInputs(eps, x);
    const c = this.steps[i];
    if (c === undefined) throw new RangeError(`DDIM has ${this.steps.length} steps, there is no step ${i}`);
    const fresh = c.sigma > 0 ? noise.randn(x.length) : null;
    return this.prediction === 'v' ? ddimUpdateV(x, eps, c, fresh) : ddimUpdate(x, eps, c, fresh);
  }
}
