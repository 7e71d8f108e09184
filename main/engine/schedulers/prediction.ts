// What the UNet predicts. SD 1.x and the SD 2.x 512-base models predict the noise ε ("eps"); the SD 2.x
// 768-v models predict v = √ᾱ·ε − √(1−ᾱ)·x₀ ("v", Salimans & Ho 2022). With x_t = √ᾱ·x₀ + √(1−ᾱ)·ε and
// √ᾱ² + √(1−ᾱ)² = 1, a v prediction converts to the other two exactly:
//   ε  = √ᾱ·v + √(1−ᾱ)·x_t            (ldm predict_eps_from_z_and_v)
//   x₀ = √ᾱ·x_t − √(1−ᾱ)·v            (ldm predict_start_from_z_and_v)
// Both are affine in the model output for a fixed x_t, so classifier-free guidance on v (what ldm does)
// equals guidance on the converted ε. Every sampler converts after guidance, at the sample x_t the UNet saw.
// Ref: Stability-AI/stablediffusion ldm/models/diffusion/ddpm.py, ddim.py (p_sample_ddim);
// k_diffusion/external.py (CompVisVDenoiser).

export { PREDICTIONS, type Prediction } from '../../../preload/contract/vocabulary';

const f32 = Math.fround;

/** ε from a v prediction at x_t (float32 ops as torch): √ᾱ·v + √(1−ᾱ)·x_t. */
export function epsFromV(v: Float32Array, x: Float32Array, sqrtA: number, sqrtOneMinusA: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = f32(f32(sqrtA * v[k]!) + f32(sqrtOneMinusA * x[k]!));
  return out;
}

/** x₀ from a v prediction at x_t: √ᾱ·x_t − √(1−ᾱ)·v. */
export function x0FromV(v: Float32Array, x: Float32Array, sqrtA: number, sqrtOneMinusA: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = f32(f32(sqrtA * x[k]!) - f32(sqrtOneMinusA * v[k]!));
  return out;
}
