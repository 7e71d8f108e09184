// SD1's training noise schedule, shared by every sampler: LDM's "linear" schedule (diffusers calls it
// scaled_linear), betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2 in float64, alphas_cumprod = cumprod(1 -
// betas) in float64, then stored as float32 exactly as LatentDiffusion registers its buffer.
// Ref: ldm/modules/diffusionmodules/util.py make_beta_schedule, ldm/models/diffusion/ddpm.py register_schedule.

export const TRAIN_TIMESTEPS = 1000;
export const BETA_START = 0.00085;
export const BETA_END = 0.012;

/**
 * The float64 betas. linspace is evaluated from both ends (torch's scalar linspace), so a few betas differ in
 * the last bit from torch 1.13's vectorised linspace; alphas_cumprod in float32 comes out identical.
 */
export function scaledLinearBetas(): Float64Array {
  const start = BETA_START ** 0.5;
  const end = BETA_END ** 0.5;
  const n = TRAIN_TIMESTEPS;
  const step = (end - start) / (n - 1);
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const root = i < n / 2 ? start + step * i : end - step * (n - 1 - i);
    betas[i] = root * root;
  }
  return betas;
}

function computeAlphasCumprod64(): Float64Array {
  const betas = scaledLinearBetas();
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= 1 - betas[i]!;
    out[i] = product;
  }
  return out;
}

const ALPHAS_CUMPROD_64 = computeAlphasCumprod64();

/** alphas_cumprod[t], t = 0..999: the float32 values ldm samples with (read-only). */
export const ALPHAS_CUMPROD: ArrayLike<number> = Float32Array.from(ALPHAS_CUMPROD_64);

/**
 * ldm's `sqrt_alphas_cumprod[t]` and `sqrt_one_minus_alphas_cumprod[t]` buffers: square roots of the
 * float64 alphas_cumprod, stored as float32 (register_schedule). The v-parameterization converts with these.
 */
export function sqrtAlphaBars(t: number): { sqrtA: number; sqrtOneMinusA: number } {
  const a = ALPHAS_CUMPROD_64[t];
  if (a === undefined || !Number.isInteger(t)) throw new RangeError(`sqrtAlphaBars: no training timestep ${t}`);
  return { sqrtA: Math.fround(Math.sqrt(a)), sqrtOneMinusA: Math.fround(Math.sqrt(1 - a)) };
}

/** alphas_cumprod[t] for an integer t in 0..999, checked. */
export function alphaBar(t: number): number {
  const value = ALPHAS_CUMPROD[t];
  if (value === undefined || !Number.isInteger(t)) throw new RangeError(`alphaBar: no training timestep ${t}`);
  return value;
}
