// PLMS as ldm's PLMSSampler runs it (= diffusers PNDMScheduler with skip_prk_steps=True,
// set_alpha_to_one=False, steps_offset=1): DDIM's timesteps and coefficients (eta 0), with the noise
// prediction replaced by a linear multistep combination of the previous ones. The first step has no
// history, so it evaluates the UNet twice (a pseudo improved-Euler step): N steps take N + 1 evaluations.
//
// Evaluation i of the pipeline maps onto ldm's loop like this:
//   i = 0: e_t at (x, t0);            returns the provisional DDIM step x' (ldm's first x_prev)
//   i = 1: e_t_next at (x', t1);      returns DDIM(x, (e_t + e_t_next) / 2), step 0 done
//   i >= 2: e_t at (x, t_{i-1});      returns DDIM(x, multistep(e_t, previous e_t)), step i - 1 done
// Ref: ldm/models/diffusion/plms.py (plms_sampling, p_sample_plms); diffusers scheduling_pndm.py (step_plms).

import { ddimSteps, ddimUpdate, type DdimStep } from './ddim';
import { alphaBar, sqrtAlphaBars } from './betas';
import { checkStepInputs, checkSteps, noiseToAlphaBar } from './options';
import type { ScheduleOptions, Scheduler } from './scheduler';
import { epsFromV, type Prediction } from './prediction';

function epsFromVAt(v: Float32Array, x: Float32Array, t: number): Float32Array {
  const { sqrtA, sqrtOneMinusA } = sqrtAlphaBars(t);
  return epsFromV(v, x, sqrtA, sqrtOneMinusA);
}

const f32 = Math.fround;

/** ldm's e_t_prime from the current e_t and up to three previous ones (newest last), in float32. */
function multistepEps(e: Float32Array, old: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(e.length);
  const o1 = old[old.length - 1]!;
  if (old.length === 1) {
    for (let i = 0; i < e.length; i++) out[i] = f32(f32(f32(3 * e[i]!) - o1[i]!) / 2);
  } else if (old.length === 2) {
    const o2 = old[0]!;
    for (let i = 0; i < e.length; i++) {
      out[i] = f32(f32(f32(f32(23 * e[i]!) - f32(16 * o1[i]!)) + f32(5 * o2[i]!)) / 12);
    }
  } else {
    const o2 = old[old.length - 2]!;
    const o3 = old[old.length - 3]!;
    for (let i = 0; i < e.length; i++) {
      const sum = f32(f32(f32(f32(55 * e[i]!) - f32(59 * o1[i]!)) + f32(37 * o2[i]!)) - f32(9 * o3[i]!));
      out[i] = f32(sum / 24);
    }
  }
  return out;
}

export class PlmsScheduler implements Scheduler {
  readonly name = 'plms' as const;
  readonly timesteps: readonly number[];
  readonly initNoiseSigma = 1;
  private readonly steps: readonly DdimStep[];
  /** ldm's old_eps: the first-evaluation e_t of the last (up to) three steps, oldest first. */
  private oldEps: Float32Array[] = [];
  /** The sample the first step started from; its second evaluation updates this, not x'. */
  private firstSample: Float32Array | null = null;
  private expected = 0;

  readonly prediction: Prediction;

  constructor(steps: number, { start = 0, prediction = 'eps' }: ScheduleOptions = {}) {
    this.prediction = prediction;
    checkSteps(steps);
    this.steps = ddimSteps(steps, 0).slice(start);
    const t = this.steps.map((s) => s.t);
    // ldm's t_next of the first step is time_range[min(1, len - 1)]: the same timestep when steps = 1.
    this.timesteps = [t[0]!, t[Math.min(1, t.length - 1)]!, ...t.slice(1)];
  }

  scaleModelInput(x: Float32Array): Float32Array {
    return x.slice();
  }

  /** Evaluation i's input is at the level of timesteps[i] (the provisional x' of evaluation 0 is at t1). */
  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array {
    const t = this.timesteps[i];
    return t === undefined ? x0.slice() : noiseToAlphaBar(x0, noise, alphaBar(t));
  }

  /** Evaluation 0 starts a new run; after that evaluations must come in order. */
  step(out: Float32Array, i: number, x: Float32Array): Float32Array {
    checkStepInputs(out, x);
    if (i !== 0 && i !== this.expected) {
      throw new RangeError(`PLMS expects evaluation ${this.expected} next, got ${i}`);
    }
    if (i >= this.timesteps.length) throw new RangeError(`PLMS has ${this.timesteps.length} evaluations, there is no ${i}`);
    this.expected = i + 1;
    const first = this.steps[0]!;
    // A v model's output becomes ε at the sample it was evaluated on (x' for evaluation 1); the multistep
    // combination is then the same linear one on ε.
    const eps = this.prediction === 'v' ? epsFromVAt(out, x, this.timesteps[i]!) : out;

    if (i === 0) {
      this.oldEps = [eps.slice()];
      this.firstSample = x.slice();
      return ddimUpdate(x, eps, first, null);
    }
    if (i === 1) {
      const eT = this.oldEps[0]!;
      const averaged = new Float32Array(eps.length);
      for (let k = 0; k < eps.length; k++) averaged[k] = f32(f32(eT[k]! + eps[k]!) / 2);
      const start = this.firstSample!;
      this.firstSample = null;
      return ddimUpdate(start, averaged, first, null);
    }
    const next = ddimUpdate(x, multistepEps(eps, this.oldEps), this.steps[i - 1]!, null);
    this.oldEps.push(eps.slice());
    if (this.oldEps.length > 3) this.oldEps.shift();
    return next;
  }
}
