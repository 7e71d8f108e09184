// One interface for every sampler (the diffusers contract): the pipeline asks for `timesteps`
// (one entry per UNet evaluation), scales the model input, evaluates the UNet, then calls `step`.
// Ref: huggingface/diffusers src/diffusers/schedulers/scheduling_utils.py (SchedulerMixin).

import type { SamplerName } from '../../../preload/contract/vocabulary';
import type { Prediction } from './prediction';

export type { SamplerName };

/** Source of standard-normal noise for ancestral / eta > 0 samplers (seeded, reproducible). */
export interface NoiseSource {
  randn(count: number): Float32Array;
}

/** What every sampler's constructor takes besides its step count. */
export interface ScheduleOptions {
  /** What the UNet outputs (default eps); `step` receives that output, guided. */
  readonly prediction?: Prediction;
  /**
   * Run only the steps from `start` on of the `steps`-step schedule (image-to-image; pipeline/img2img-start.ts
   * decides it from the strength). Default 0: the whole schedule.
   */
  readonly start?: number;
}

export interface SchedulerOptions extends ScheduleOptions {
  /** Number of sampling steps the user asked for. */
  steps: number;
  /** DDIM eta (0 = deterministic). Ignored by the other samplers. */
  eta?: number;
}

export interface Scheduler {
  readonly name: SamplerName;
  /**
   * Model timestep for each UNet evaluation, in sampling order. Its length is the number of UNet
   * evaluations (PLMS evaluates one more time than it has steps). Values may be fractional for the
   * sigma-based samplers; the UNet graph takes a float timestep.
   */
  readonly timesteps: readonly number[];
  /** Factor the initial N(0,1) noise is multiplied by (1 for DDIM/PLMS, sigma_max-ish for Euler-family). */
  readonly initNoiseSigma: number;
  /** Input scaling before the UNet for evaluation `i` (identity for DDIM/PLMS). Returns a new array. */
  scaleModelInput(x: Float32Array, i: number): Float32Array;
  /**
   * Advance the sample with the (guided) UNet output of evaluation `i` (ε, or v for a v model). Returns the new sample;
   * never mutates its inputs. `noise` is only consulted by stochastic samplers.
   */
  step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource): Float32Array;
  /**
   * A clean latent x0 noised to the level evaluation `i` expects as its input (the forward process with the
   * given standard-normal `noise`): sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise for the timestep samplers, x0 + σ_i·noise
   * for the sigma samplers. `i` = the number of evaluations means after the last step: x0 itself.
   */
  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array;
}
