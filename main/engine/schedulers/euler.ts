// Euler (k-diffusion sample_euler with s_churn = 0, A1111's "Euler") on the default SD1 sigma schedule:
//   d = (x - denoised) / sigma;  x_next = x + d * (sigma_next - sigma)
// Ref: k_diffusion/sampling.py (sample_euler, to_d).

import { checkSteps } from './options';
import type { ScheduleOptions } from './scheduler';
import { SigmaSampler } from './sigma-sampler';
import { defaultSigmas } from './sigmas';

const f32 = Math.fround;

export class EulerScheduler extends SigmaSampler {
  readonly name = 'euler' as const;

  constructor(steps: number, { start = 0, prediction = 'eps' }: ScheduleOptions = {}) {
    checkSteps(steps);
    super(defaultSigmas(steps).slice(start), prediction);
  }

  step(eps: Float32Array, i: number, x: Float32Array): Float32Array {
    const denoised = this.denoised(eps, i, x);
    const [sigma, next] = this.sigmaPair(i);
    const dt = f32(next - sigma);
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const d = f32(f32(x[k]! - denoised[k]!) / sigma);
      out[k] = f32(x[k]! + f32(d * dt));
    }
    return out;
  }
}
