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

export interface SchedulerOptions {
  /** Number of sampling steps the user asked for. */
  steps: number;
  /** DDIM eta (0 = deterministic). Ignored by the other samplers. */
  eta?: number;
  /** What the UNet outputs (default eps); `step` receives that output, guided. */
  prediction?: Prediction;
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
}
