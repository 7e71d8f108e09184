// Euler ancestral (k-diffusion sample_euler_ancestral with eta = 1, s_noise = 1, A1111's "Euler a"):
// an Euler step down to sigma_down, then fresh noise of size sigma_up, drawn from the NoiseSource for every
// step except the last (sigma_next = 0), which is where A1111 draws its next image-RNG noise.
// Ref: k_diffusion/sampling.py (sample_euler_ancestral, get_ancestral_step, to_d).

import { checkSteps } from './options';
import type { NoiseSource, ScheduleOptions } from './scheduler';
import { SigmaSampler } from './sigma-sampler';
import { defaultSigmas } from './sigmas';

const f32 = Math.fround;

/** get_ancestral_step(sigma_from, sigma_to, eta): the Euler target sigma_down and the noise sigma_up. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta = 1): { sigmaDown: number; sigmaUp: number } {
  if (eta === 0) return { sigmaDown: sigmaTo, sigmaUp: 0 };
  const up = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  const sigmaUp = f32(up);
  return { sigmaDown: f32(Math.sqrt(sigmaTo ** 2 - sigmaUp ** 2)), sigmaUp };
}

export class EulerAncestralScheduler extends SigmaSampler {
  readonly name = 'euler_a' as const;

  constructor(steps: number, { start = 0, prediction = 'eps' }: ScheduleOptions = {}) {
    checkSteps(steps);
    super(defaultSigmas(steps).slice(start), prediction);
  }

  step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource): Float32Array {
    const denoised = this.denoised(eps, i, x);
    const [sigma, next] = this.sigmaPair(i);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
    const dt = f32(sigmaDown - sigma);
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const d = f32(f32(x[k]! - denoised[k]!) / sigma);
      out[k] = f32(x[k]! + f32(d * dt));
    }
    if (next > 0) {
      const fresh = noise.randn(x.length);
      for (let k = 0; k < x.length; k++) out[k] = f32(out[k]! + f32(fresh[k]! * sigmaUp));
    }
    return out;
  }
}
