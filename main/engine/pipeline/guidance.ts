// Classifier-free guidance on a batch laid out [uncond × images, cond × images]:
// e = e_u + scale · (e_c − e_u), computed in float32 as ldm does.
export function applyGuidance(eps: Float32Array, scale: number): Float32Array {
  const half = eps.length / 2;
  const out = new Float32Array(half);
  const s = Math.fround(scale);
  for (let i = 0; i < half; i++) {
    const u = eps[i]!;
    out[i] = Math.fround(u + Math.fround(s * Math.fround(eps[half + i]! - u)));
  }
  return out;
}

/** [x] → [x, x]: the same latents for the unconditional and conditional rows. */
export function duplicateRows(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length * 2);
  out.set(x, 0);
  out.set(x, x.length);
  return out;
}
