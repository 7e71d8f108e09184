// How far an accelerated image is from its baseline: PSNR over all RGB values, and a heat map of the
// per-pixel mean absolute difference (black = identical, through purple and orange to yellow at a mean
// difference of 64/255 or more; fixed scale, so maps of one comparison can be compared with each other).
import sharp from 'sharp';
import { psnr } from '../common/stats';
import { openExternalImage } from '../images/external-image';

export const HEATMAP_FULL_SCALE = 64;

/** Inferno-like colour stops (t, r, g, b). */
const STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0, 4], [0.25, 87, 16, 110], [0.5, 188, 55, 84], [0.75, 249, 142, 9], [1, 252, 255, 164],
];

function colour(t: number, out: Buffer, at: number): void {
  let i = 1;
  while (i < STOPS.length - 1 && t > STOPS[i]![0]) i++;
  const [t0, r0, g0, b0] = STOPS[i - 1]!;
  const [t1, r1, g1, b1] = STOPS[i]!;
  const f = (t - t0) / (t1 - t0);
  out[at] = Math.round(r0 + (r1 - r0) * f);
  out[at + 1] = Math.round(g0 + (g1 - g0) * f);
  out[at + 2] = Math.round(b0 + (b1 - b0) * f);
}

async function rgb(path: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await openExternalImage(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export interface ImageDiff {
  psnr: number;
  /** PNG bytes. */
  heatmap: Buffer;
}

export async function diffImageFiles(basePath: string, otherPath: string): Promise<ImageDiff> {
  const [a, b] = await Promise.all([rgb(basePath), rgb(otherPath)]);
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  }
  const pixels = a.width * a.height;
  const map = Buffer.alloc(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const i = p * 3;
    const d = (Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!)) / 3;
    colour(Math.min(1, d / HEATMAP_FULL_SCALE), map, i);
  }
  const heatmap = await sharp(map, { raw: { width: a.width, height: a.height, channels: 3 } }).png().toBuffer();
  return { psnr: psnr(a.data, b.data), heatmap };
}
