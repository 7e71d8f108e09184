// What the k-diffusion samplers share: a sigma schedule (one sigma per UNet evaluation plus a final 0), the
// timesteps handed to the UNet (sigma_to_t of each sigma), and CompVisDenoiser's scalings for an
// eps-predicting model: the UNet sees x * c_in with c_in = 1 / sqrt(sigma^2 + 1), and the denoised
// estimate is x + eps * c_out with c_out = -sigma. A v model (CompVisVDenoiser, sigma_data = 1) gives
// denoised = x * c_skip + v * c_out with c_skip = 1 / (sigma^2 + 1), c_out = -sigma / sqrt(sigma^2 + 1):
// k-diffusion's x is x_t / sqrt(ᾱ) with ᾱ = 1 / (sigma^2 + 1), so x0 = sqrt(ᾱ)·x_t − sqrt(1−ᾱ)·v
// (prediction.ts) = x / (sigma^2 + 1) − sigma / sqrt(sigma^2 + 1) · v.
// Every elementwise op is rounded to float32 like torch's.
// Ref: k_diffusion/external.py (DiscreteEpsDDPMDenoiser, DiscreteVDDPMDenoiser: get_scalings / forward).

import { checkStepInputs } from './options';
import type { Prediction } from './prediction';
import type { NoiseSource, SamplerName, Scheduler } from './scheduler';
import { sigmaToT } from './sigmas';

const f32 = Math.fround;

export abstract class SigmaSampler implements Scheduler {
  abstract readonly name: SamplerName;
  readonly timesteps: readonly number[];
  /** k-diffusion samplers start from randn * sigmas[0]. */
  readonly initNoiseSigma: number;
  /** One sigma per evaluation, then the final 0. */
  readonly sigmas: readonly number[];

  protected constructor(sigmas: readonly number[], readonly prediction: Prediction) {
    this.sigmas = sigmas;
    this.timesteps = sigmas.slice(0, -1).map(sigmaToT);
    this.initNoiseSigma = sigmas[0]!;
  }

  /** sigmas[i] and sigmas[i + 1] for evaluation i. */
  protected sigmaPair(i: number): [number, number] {
    const sigma = this.sigmas[i];
    const next = this.sigmas[i + 1];
    if (sigma === undefined || next === undefined) {
      throw new RangeError(`${this.name} has ${this.timesteps.length} steps, there is no step ${i}`);
    }
    return [sigma, next];
  }

  scaleModelInput(x: Float32Array, i: number): Float32Array {
    const [sigma] = this.sigmaPair(i);
    const cIn = f32(1 / f32(Math.sqrt(f32(f32(sigma * sigma) + 1))));
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = f32(x[k]! * cIn);
    return out;
  }

  /** x0 + sigma_i * noise (k-diffusion's noising; sigmas end with 0, so after the last step it is x0). */
  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array {
    checkStepInputs(noise, x0);
    const sigma = this.sigmas[i];
    if (sigma === undefined) throw new RangeError(`${this.name} has ${this.timesteps.length} steps, there is no level ${i}`);
    const out = new Float32Array(x0.length);
    for (let k = 0; k < x0.length; k++) out[k] = f32(x0[k]! + f32(noise[k]! * sigma));
    return out;
  }

  /** The denoiser's x0 estimate from the UNet output at evaluation i (eps: x - sigma * eps; v: see above). */
  protected denoised(output: Float32Array, i: number, x: Float32Array): Float32Array {
    checkStepInputs(output, x);
    const [sigma] = this.sigmaPair(i);
    const out = new Float32Array(x.length);
    if (this.prediction === 'v') {
      const variance = f32(f32(sigma * sigma) + 1);
      const cSkip = f32(1 / variance);
      const cOut = f32(-sigma / f32(Math.sqrt(variance)));
      for (let k = 0; k < x.length; k++) out[k] = f32(f32(output[k]! * cOut) + f32(x[k]! * cSkip));
      return out;
    }
    const cOut = -sigma;
    for (let k = 0; k < x.length; k++) out[k] = f32(x[k]! + f32(output[k]! * cOut));
    return out;
  }

  abstract step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource): Float32Array;
}
