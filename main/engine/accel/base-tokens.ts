// DaTo base tokens: one per 2×2 window of the latent token grid, the argmax of γ·σ·d + α·z
// (d = dynamics, z ~ N(0,1) per token, σ = −1 with probability `flip`, else +1). Without dynamics the
// score is α·z alone (all zero when α = 0: ties pick the first token, i.e. the window's top-left).
// Windows are taken in order (0,0), (0,1), (1,0), (1,1) inside each window; on odd sizes the last row or
// column of windows is partial and uses the tokens that exist (the official code assumes a square grid
// of even side). The conditional rows reuse the unconditional rows' base tokens (`align_cfg`).
// Ref: DaTo sd1/scripts/datosd/dato.py (find_patch_max_indices, duplicate_half_tensor).

export interface SelectionRandomness {
  /** Uniform in [0, 1). */
  uniform(): number;
  randn(count: number): Float32Array;
}

export interface BaseTokenOptions {
  height: number;
  width: number;
  /** Images in the batch; the UNet batch is [uncond × images, cond × images]. */
  images: number;
  gamma: number;
  alpha: number;
  flip: number;
}

export const windowCount = (height: number, width: number): number => Math.ceil(height / 2) * Math.ceil(width / 2);

/** Base token index of every window in row-major window order, for one score map [H·W]. */
export function windowArgmax(score: Float32Array, height: number, width: number): Int32Array {
  const out = new Int32Array(windowCount(height, width));
  let w = 0;
  for (let wy = 0; wy < height; wy += 2) {
    for (let wx = 0; wx < width; wx += 2) {
      let best = wy * width + wx;
      for (const [dy, dx] of [[0, 1], [1, 0], [1, 1]] as const) {
        const y = wy + dy;
        const x = wx + dx;
        if (y < height && x < width && score[y * width + x]! > score[best]!) best = y * width + x;
      }
      out[w++] = best;
    }
  }
  return out;
}

/**
 * Base tokens for all 2·images UNet rows → int64 [2·images, windows]. `dynamics` is [2·images, H·W]
 * or null (no dynamics yet). One flip and one noise draw per call, like the official code per block call.
 */
export function selectBaseTokens(dynamics: Float32Array | null, opts: BaseTokenOptions, rnd: SelectionRandomness): BigInt64Array {
  const n = opts.height * opts.width;
  const windows = windowCount(opts.height, opts.width);
  const sign = rnd.uniform() < opts.flip ? -1 : 1;
  const noise = rnd.randn(opts.images * n);
  const out = new BigInt64Array(2 * opts.images * windows);
  const score = new Float32Array(n);
  for (let i = 0; i < opts.images; i++) {
    for (let t = 0; t < n; t++) {
      const d = dynamics ? dynamics[i * n + t]! : 0;
      score[t] = opts.gamma * sign * d + opts.alpha * noise[i * n + t]!;
    }
    const base = windowArgmax(score, opts.height, opts.width);
    for (let w = 0; w < windows; w++) {
      out[i * windows + w] = BigInt(base[w]!); // uncond row i
      out[(opts.images + i) * windows + w] = BigInt(base[w]!); // cond row i: align_cfg
    }
  }
  return out;
}
