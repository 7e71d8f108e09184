// What the k-diffusion samplers share: a sigma schedule (one sigma per UNet evaluation plus a final 0), the
// timesteps handed to the UNet (sigma_to_t of each sigma), and CompVisDenoiser's scalings for an
// eps-predicting model: the UNet sees x * c_in with c_in = 1 / sqrt(sigma^2 + 1), and the denoised
// estimate is x + eps * c_out with c_out = -sigma. Every elementwise op is rounded to float32 like torch's.
// Ref: k_diffusion/external.py (DiscreteEpsDDPMDenoiser.get_scalings / forward).

import { checkStepInputs } from './options';
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

  protected constructor(sigmas: readonly number[]) {
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

  /** CompVisDenoiser.forward for the UNet's eps at evaluation i: x - sigma * eps. */
  protected denoised(eps: Float32Array, i: number, x: Float32Array): Float32Array {
    checkStepInputs(eps, x);
    const [sigma] = this.sigmaPair(i);
    const cOut = -sigma;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = f32(x[k]! + f32(eps[k]! * cOut));
    return out;
  }

  abstract step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource): Float32Array;
}
