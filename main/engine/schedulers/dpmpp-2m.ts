// DPM-Solver++(2M) (k-diffusion sample_dpmpp_2m, A1111's "DPM++ 2M"), on the default SD1 sigma schedule or,
// with `karras`, on Karras et al.'s rho = 7 schedule between the model's sigma_min and sigma_max
// ("DPM++ 2M Karras"). In t = -log(sigma):
//   first step and last step:  x_next = (sigma_next / sigma) * x - expm1(-h) * denoised
//   otherwise:                 the same with denoised replaced by
//                              (1 + 1/(2r)) * denoised - 1/(2r) * previous denoised,  r = h_last / h
// Ref: k_diffusion/sampling.py (sample_dpmpp_2m, get_sigmas_karras).

import { checkSteps } from './options';
import type { ScheduleOptions } from './scheduler';
import { SigmaSampler } from './sigma-sampler';
import { defaultSigmas, karrasSigmas } from './sigmas';

const f32 = Math.fround;

export class Dpmpp2mScheduler extends SigmaSampler {
  readonly name: 'dpmpp_2m' | 'dpmpp_2m_karras';
  private previousDenoised: Float32Array | null = null;
  private expected = 0;

  constructor(steps: number, opts: { karras?: boolean } & ScheduleOptions = {}) {
    checkSteps(steps);
    super((opts.karras ? karrasSigmas(steps) : defaultSigmas(steps)).slice(opts.start ?? 0), opts.prediction ?? 'eps');
    this.name = opts.karras ? 'dpmpp_2m_karras' : 'dpmpp_2m';
  }

  /** Step 0 starts a new run; after that steps must come in order (the update uses the previous one). */
  step(eps: Float32Array, i: number, x: Float32Array): Float32Array {
    if (i !== 0 && i !== this.expected) throw new RangeError(`${this.name} expects step ${this.expected} next, got ${i}`);
    const denoised = this.denoised(eps, i, x);
    const [sigma, next] = this.sigmaPair(i);
    const previous = i === 0 ? null : this.previousDenoised;
    this.previousDenoised = denoised;
    this.expected = i + 1;

    if (next === 0) return denoised; // sigma_fn(inf) = 0 and -expm1(-inf) = 1
    const t = -Math.log(sigma);
    const tNext = -Math.log(next);
    const h = tNext - t;
    const ratio = f32(Math.exp(-tNext) / Math.exp(-t));
    const expm1 = f32(Math.expm1(-h)); // negative: x_next = ratio * x - expm1 * denoised
    const out = new Float32Array(x.length);
    if (previous === null) {
      for (let k = 0; k < x.length; k++) out[k] = f32(f32(ratio * x[k]!) - f32(expm1 * denoised[k]!));
      return out;
    }
    const hLast = t + Math.log(this.sigmas[i - 1]!);
    const r = hLast / h;
    const keep = f32(1 + 1 / (2 * r));
    const drop = f32(1 / (2 * r));
    for (let k = 0; k < x.length; k++) {
      const blended = f32(f32(keep * denoised[k]!) - f32(drop * previous[k]!));
      out[k] = f32(f32(ratio * x[k]!) - f32(expm1 * blended));
    }
    return out;
  }
}
