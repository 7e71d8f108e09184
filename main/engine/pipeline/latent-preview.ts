// Cheap live preview: a per-pixel linear map from the 4 latent channels to RGB (A1111's "Approx cheap"),
// applied to the model's current estimate of the clean latent. The default coefficients are SD 1.x's;
// after each full VAE decode the map is refitted by least squares to that model's own decoder, so models
// with a different latent space (the embedded demo model) get a faithful preview from their second image.
// Ref: AUTOMATIC1111 modules/sd_samplers_common.py samples_to_images_tensor (approx cheap coefficients).

export interface RgbImage { readonly width: number; readonly height: number; readonly rgb: Uint8Array }

const SD1_COEFFICIENTS = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

export class LatentPreview {
  /** rows: latent channels + 1 (bias); columns: R, G, B; output in [-1, 1]. */
  private weights: number[][];

  constructor(channels = 4) {
    this.weights = channels === 4 ? [...SD1_COEFFICIENTS.map((r) => [...r]), [0, 0, 0]]
      : [...Array.from({ length: channels }, () => [0, 0, 0]), [0, 0, 0]];
  }

  /** latent [C, h, w] (one image) → RGB h×w. */
  project(latent: Float32Array, channels: number, height: number, width: number): RgbImage {
    const n = height * width;
    const rgb = new Uint8Array(n * 3);
    const bias = this.weights[channels]!;
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) {
        let v = bias[k]!;
        for (let c = 0; c < channels; c++) v += latent[c * n + p]! * this.weights[c]![k]!;
        rgb[p * 3 + k] = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255)));
      }
    }
    return { width, height, rgb };
  }

  /**
   * Refit from a decoded image: `image` [3, 8h, 8w] in [-1, 1] is averaged over 8×8 blocks to the latent
   * grid, then the 5×3 map solves the normal equations (with a small ridge for stability).
   */
  fit(latent: Float32Array, channels: number, height: number, width: number, image: Float32Array, factor = 8): void {
    const n = height * width;
    const W = width * factor;
    const target = new Float64Array(n * 3);
    for (let k = 0; k < 3; k++) {
      for (let y = 0; y < height * factor; y++) {
        for (let x = 0; x < W; x++) {
          target[(Math.floor(y / factor) * width + Math.floor(x / factor)) * 3 + k]! += image[(k * height * factor + y) * W + x]! / (factor * factor);
        }
      }
    }
    const d = channels + 1;
    const ata = Array.from({ length: d }, () => new Float64Array(d));
    const atb = Array.from({ length: d }, () => new Float64Array(3));
    const row = new Float64Array(d);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < channels; c++) row[c] = latent[c * n + p]!;
      row[channels] = 1;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) ata[i]![j]! += row[i]! * row[j]!;
        for (let k = 0; k < 3; k++) atb[i]![k]! += row[i]! * target[p * 3 + k]!;
      }
    }
    for (let i = 0; i < d; i++) ata[i]![i]! += 1e-3 * n;
    const solved = solve(ata, atb);
    if (solved) this.weights = solved;
  }
}

/** Gauss–Jordan elimination with partial pivoting; null when singular. */
function solve(a: Float64Array[], b: Float64Array[]): number[][] | null {
  const d = a.length;
  const m = a.map((r, i) => [...r, ...b[i]!]);
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let j = 0; j < m[col]!.length; j++) m[col]![j]! /= p;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r]![col]!;
      for (let j = 0; j < m[r]!.length; j++) m[r]![j]! -= f * m[col]![j]!;
    }
  }
  return m.map((r) => r.slice(d));
}
