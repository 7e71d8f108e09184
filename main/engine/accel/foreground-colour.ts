// How far an image's foreground colour moved from a reference image's: the calibration's colour-fidelity
// term. A mean PSNR over a few prompts dilutes the one image whose shape drifted in colour, yet that drift is
// what turns "a blue ring" into a purple one, and a higher mean PSNR does not protect colours (measured on the
// demo model, DDIM 30, 48 grammar captions: 8 full steps crowded early, 35.9 dB, lost 5 captions' colours;
// the shipped 7-step placement, 31.1 dB, lost 1). The foreground is what stands off the reference's
// background, a plane fitted to its border pixels (the same fit the demo model's colour-adherence reader
// uses, bench/colour-adherence.ts).

export type Rgb = readonly [number, number, number];

/** A pixel belongs to the foreground when its colour is farther than this from the background plane. */
export const FOREGROUND_DISTANCE = 60;

const dist = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

interface PlanePixel { readonly u: number; readonly v: number; readonly rgb: Rgb }

/** Least squares of rgb ≈ c0 + c1·u + c2·v over the given pixels (3×3 normal equations per channel). */
function fitPlane(px: readonly PlanePixel[]): Rgb[] {
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const r = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (const p of px) {
    const f = [1, p.u, p.v];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) m[i]![j]! += f[i]! * f[j]!;
      for (let k = 0; k < 3; k++) r[i]![k]! += f[i]! * p.rgb[k]!;
    }
  }
  const inv = invert3(m);
  return [0, 1, 2].map((i) => [0, 1, 2].map((k) => inv[i]![0]! * r[0]![k]! + inv[i]![1]! * r[1]![k]! + inv[i]![2]! * r[2]![k]!) as unknown as Rgb);
}

function invert3(a: number[][]): number[][] {
  const [[p, q, r], [s, t, u], [v, w, x]] = a as [[number, number, number], [number, number, number], [number, number, number]];
  const det = p * (t * x - u * w) - q * (s * x - u * v) + r * (s * w - t * v);
  return [
    [(t * x - u * w) / det, (r * w - q * x) / det, (q * u - r * t) / det],
    [(u * v - s * x) / det, (p * x - r * v) / det, (r * s - p * u) / det],
    [(s * w - t * v) / det, (q * v - p * w) / det, (p * t - q * s) / det],
  ];
}

export interface BackgroundPlane {
  /** The background colour at the image centre. */
  readonly centre: Rgb;
  /** The fitted background colour at pixel (x, y). */
  at(x: number, y: number): Rgb;
}

/**
 * The background as a colour plane over the image, fitted to the border (max(2, H/16) pixels wide); the 30 %
 * worst-fitting border pixels are dropped and the plane refitted, twice, so a shape touching the border
 * does not tilt it.
 */
export function backgroundPlane(rgb: Uint8Array, width: number, height: number): BackgroundPlane {
  const pixel = (x: number, y: number): Rgb => [rgb[(y * width + x) * 3]!, rgb[(y * width + x) * 3 + 1]!, rgb[(y * width + x) * 3 + 2]!];
  const u = (x: number): number => (2 * x) / (width - 1) - 1;
  const v = (y: number): number => (2 * y) / (height - 1) - 1;
  const border = Math.max(2, Math.floor(height / 16));
  const edge: PlanePixel[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < border || y < border || x >= width - border || y >= height - border) edge.push({ u: u(x), v: v(y), rgb: pixel(x, y) });
    }
  }
  const predict = (plane: Rgb[], pu: number, pv: number): Rgb =>
    [0, 1, 2].map((k) => plane[0]![k]! + plane[1]![k]! * pu + plane[2]![k]! * pv) as unknown as Rgb;
  let plane = fitPlane(edge);
  for (let round = 0; round < 2; round++) {
    const fitted = plane;
    const ranked = edge.map((p) => ({ p, r: dist(p.rgb, predict(fitted, p.u, p.v)) })).sort((a, b) => a.r - b.r);
    plane = fitPlane(ranked.slice(0, Math.ceil(ranked.length * 0.7)).map((e) => e.p));
  }
  const final = plane;
  return { centre: final[0]!, at: (x, y) => predict(final, u(x), v(y)) };
}

/**
 * RGB distance between the mean colour of the reference's foreground pixels in `image` and in `reference`
 * (0 when the reference has no foreground to speak of: fewer than max(8, 0.4 %) of its pixels).
 */
export function foregroundColourShift(image: Uint8Array, reference: Uint8Array, width: number, height: number): number {
  const plane = backgroundPlane(reference, width, height);
  const sumImage = [0, 0, 0];
  const sumReference = [0, 0, 0];
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const ref: Rgb = [reference[p]!, reference[p + 1]!, reference[p + 2]!];
      if (dist(ref, plane.at(x, y)) <= FOREGROUND_DISTANCE) continue;
      count++;
      for (let k = 0; k < 3; k++) { sumImage[k]! += image[p + k]!; sumReference[k]! += ref[k]!; }
    }
  }
  if (count < Math.max(8, 0.004 * width * height)) return 0;
  return Math.hypot(...[0, 1, 2].map((k) => (sumImage[k]! - sumReference[k]!) / count));
}
