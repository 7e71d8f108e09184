// SD1's discrete schedule seen as noise levels, the way k-diffusion (and so AUTOMATIC1111) samples it:
// sigma[t] = sqrt((1 - alphas_cumprod[t]) / alphas_cumprod[t]) for t = 0..999, with timesteps and sigmas
// mapped onto each other by linear interpolation in log sigma. Tables and results are float32 values like
// torch's; the interpolation itself runs in float64 (differences from torch's float32 exp/log: ~1 ulp).
// Ref: k_diffusion/external.py (DiscreteSchedule, DiscreteEpsDDPMDenoiser, CompVisDenoiser),
//      k_diffusion/sampling.py (get_sigmas_karras, append_zero).

import { ALPHAS_CUMPROD, TRAIN_TIMESTEPS } from './betas';

const f32 = Math.fround;

/** sigma[t] = sqrt((1 - alphas_cumprod[t]) / alphas_cumprod[t]), float32 like torch's buffer. */
const SIGMAS = Float64Array.from({ length: TRAIN_TIMESTEPS }, (_, t) => {
  const ac = ALPHAS_CUMPROD[t]!;
  return f32(Math.sqrt(f32(f32(1 - ac) / ac)));
});
/** log sigma[t], increasing with t (float32 values). */
const LOG_SIGMAS = SIGMAS.map((sigma) => f32(Math.log(sigma)));
const LAST = TRAIN_TIMESTEPS - 1;

/** The model's smallest and largest noise levels, sigma[0] and sigma[999] (A1111 feeds these to Karras). */
export const SIGMA_MIN = SIGMAS[0]!;
export const SIGMA_MAX = SIGMAS[LAST]!;

/** DiscreteSchedule.t_to_sigma: sigma at a (fractional) timestep t in [0, 999]. */
export function tToSigma(t: number): number {
  if (!(t >= 0 && t <= LAST)) throw new RangeError(`tToSigma: t = ${t} is outside [0, ${LAST}]`);
  const low = Math.floor(t);
  const high = Math.ceil(t);
  const w = t - low;
  return f32(Math.exp((1 - w) * LOG_SIGMAS[low]! + w * LOG_SIGMAS[high]!));
}

/** DiscreteSchedule.sigma_to_t (quantize=False): the fractional timestep of a noise level sigma > 0. */
export function sigmaToT(sigma: number): number {
  if (!(sigma > 0)) throw new RangeError(`sigmaToT: sigma must be positive, got ${sigma}`);
  const logSigma = Math.log(sigma);
  // The last t whose log sigma is <= logSigma (0 if there is none), kept below the last interval's end.
  let low = 0;
  for (let t = 0; t < TRAIN_TIMESTEPS && LOG_SIGMAS[t]! <= logSigma; t++) low = t;
  low = Math.min(low, LAST - 1);
  const lo = LOG_SIGMAS[low]!;
  const hi = LOG_SIGMAS[low + 1]!;
  const w = Math.min(Math.max((lo - logSigma) / (lo - hi), 0), 1);
  return f32((1 - w) * low + w * (low + 1));
}

/** torch.linspace(start, end, n) values (float32 like torch's default dtype). */
function linspace(start: number, end: number, n: number): number[] {
  if (n === 1) return [f32(start)];
  return Array.from({ length: n }, (_, i) => f32(start + ((end - start) * i) / (n - 1)));
}

/** DiscreteSchedule.get_sigmas(n): t = linspace(999, 0, n) mapped to sigmas, then a final 0. */
export function defaultSigmas(steps: number): number[] {
  return [...linspace(LAST, 0, steps).map(tToSigma), 0];
}

/** get_sigmas_karras(n, sigma_min, sigma_max, rho) between the model's own sigma_min and sigma_max, then a final 0. */
export function karrasSigmas(steps: number, rho = 7): number[] {
  const minInvRho = SIGMA_MIN ** (1 / rho);
  const maxInvRho = SIGMA_MAX ** (1 / rho);
  const sigmas = linspace(0, 1, steps).map((ramp) => f32((maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho));
  return [...sigmas, 0];
}
