// Cheap live preview: a per-pixel linear map from the latent channels to RGB (A1111's "Approx cheap"),
// applied to the model's current estimate of the clean latent, then upsampled bilinearly (the map is
// linear, so interpolating its output equals projecting the interpolated latent). The map is fitted per
// model by least squares against the model's own VAE decoder (preview-calibration.ts): SD 1.x's published
// coefficients are wrong for any other latent space (the demo model's red circle on blue came out as a
// dark-brown circle on cyan), and a refit on the last decoded image alone is degenerate (two colours fix
// few of the 15 coefficients, so the next prompt's colours came out wrong).
// Ref: AUTOMATIC1111 modules/sd_samplers_common.py samples_to_images_tensor (approx cheap coefficients).

export interface RgbImage { readonly width: number; readonly height: number; readonly rgb: Uint8Array }

/** rows: latent channels + 1 (bias); columns: R, G, B; output in [-1, 1]. */
export type PreviewCoefficients = number[][];

/** SD 1.x's latent → RGB map (A1111), the map until a model's own fit is known. */
export const SD1_PREVIEW_COEFFICIENTS: PreviewCoefficients = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
  [0, 0, 0],
];

/** Preview side: the image size where that is at most 256 px, else the largest smaller multiple of the latent. */
export function previewScale(height: number, width: number, factor = 8, maxSide = 256): number {
  return Math.max(1, Math.min(factor, Math.floor(maxSide / Math.max(height, width))));
}

export class LatentPreview {
  constructor(readonly coefficients: PreviewCoefficients) {}

  /** latent [C, h, w] (one image) → RGB (scale·h)×(scale·w), bilinear (pixel centres aligned). */
  project(latent: Float32Array, channels: number, height: number, width: number, scale = 1): RgbImage {
    const n = height * width;
    const small = new Float32Array(n * 3);
    const bias = this.coefficients[channels]!;
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) {
        let v = bias[k]!;
        for (let c = 0; c < channels; c++) v += latent[c * n + p]! * this.coefficients[c]![k]!;
        small[p * 3 + k] = v;
      }
    }
    const H = height * scale;
    const W = width * scale;
    const rgb = new Uint8Array(H * W * 3);
    const source = (o: number, size: number): [number, number, number] => {
      const s = Math.min(size - 1, Math.max(0, (o + 0.5) / scale - 0.5));
      const i0 = Math.floor(s);
      return [i0, Math.min(size - 1, i0 + 1), s - i0];
    };
    for (let y = 0; y < H; y++) {
      const [y0, y1, fy] = source(y, height);
      for (let x = 0; x < W; x++) {
        const [x0, x1, fx] = source(x, width);
        for (let k = 0; k < 3; k++) {
          const top = small[(y0 * width + x0) * 3 + k]! * (1 - fx) + small[(y0 * width + x1) * 3 + k]! * fx;
          const bottom = small[(y1 * width + x0) * 3 + k]! * (1 - fx) + small[(y1 * width + x1) * 3 + k]! * fx;
          const v = top * (1 - fy) + bottom * fy;
          rgb[(y * W + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255)));
        }
      }
    }
    return { width: W, height: H, rgb };
  }
}

/** Least-squares fit of the latent → RGB map over pairs of latents and their decoded images. */
export class PreviewFit {
  private readonly ata: Float64Array[];
  private readonly atb: Float64Array[];
  private count = 0;

  constructor(private readonly channels: number) {
    this.ata = Array.from({ length: channels + 1 }, () => new Float64Array(channels + 1));
    this.atb = Array.from({ length: channels + 1 }, () => new Float64Array(3));
  }

  /** `latent` [C, h, w]; `image` [3, factor·h, factor·w] in [-1, 1], averaged over factor×factor blocks. */
  add(latent: Float32Array, height: number, width: number, image: Float32Array, factor = 8): void {
    const { channels } = this;
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
    const row = new Float64Array(channels + 1);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < channels; c++) row[c] = latent[c * n + p]!;
      row[channels] = 1;
      for (let i = 0; i <= channels; i++) {
        for (let j = 0; j <= channels; j++) this.ata[i]![j]! += row[i]! * row[j]!;
        for (let k = 0; k < 3; k++) this.atb[i]![k]! += row[i]! * target[p * 3 + k]!;
      }
    }
    this.count += n;
  }

  /** The fitted map (a tiny ridge keeps it stable), or null when the samples do not determine it. */
  solve(): PreviewCoefficients | null {
    const ata = this.ata.map((r, i) => r.map((v, j) => v + (i === j ? 1e-6 * this.count : 0)));
    return solve(ata, this.atb);
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
