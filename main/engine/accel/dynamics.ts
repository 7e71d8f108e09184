// DaTo's dynamics: how much each token's noise prediction moved between the two previous UNet
// evaluations, d[b, n] = mean_c |ε_{k−1}[b, c, n] − ε_{k−2}[b, c, n]| on the raw (unguided) batched output.
// Ref: DaTo sd1/scripts/datosd/patch.py (computed after every UNet call; lagged by one call).

/** eps arrays are [rows, channels, H·W]; returns [rows, H·W]. */
export function tokenDynamics(current: Float32Array, previous: Float32Array, rows: number, channels: number): Float32Array {
  const tokens = current.length / (rows * channels);
  const d = new Float32Array(rows * tokens);
  for (let b = 0; b < rows; b++) {
    for (let c = 0; c < channels; c++) {
      const base = (b * channels + c) * tokens;
      for (let n = 0; n < tokens; n++) d[b * tokens + n]! += Math.abs(current[base + n]! - previous[base + n]!);
    }
    for (let n = 0; n < tokens; n++) d[b * tokens + n]! /= channels;
  }
  return d;
}
