// Masks in the two spaces inpainting works in. Pixel masks are 8-bit (255 = repaint, soft edges from the
// blur); the latent mask is 0/1 per latent pixel: a latent pixel is repainted when any pixel of its 8×8 block
// is at least half repaint (A1111 rounds the block average instead, which drops masks thinner than half a
// block; the final composite keeps every pixel outside the mask anyway).
import type { RgbImage } from './latent-preview';

/** Pixel mask [H·W] → latent mask [h·w] of 0/1 (1 = repaint). */
export function latentMask(mask: Uint8Array, width: number, height: number): Float32Array {
  const w = width / 8;
  const h = height / 8;
  const out = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]! >= 128) out[Math.floor(y / 8) * w + Math.floor(x / 8)] = 1;
    }
  }
  return out;
}

/**
 * The generated picture inside the mask, the original outside, blended by the mask's soft edge:
 * out = original·(1 − m) + generated·m with m = mask/255, rounded. Where m = 0 the original's bytes are kept.
 */
export function compositeByMask(original: RgbImage, generated: RgbImage, mask: Uint8Array): RgbImage {
  if (original.width !== generated.width || original.height !== generated.height || mask.length !== original.width * original.height) {
    throw new Error(`composite: ${original.width}×${original.height} original, ${generated.width}×${generated.height} result, ${mask.length} mask pixels`);
  }
  const rgb = new Uint8Array(original.rgb.length);
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p]!;
    for (let k = 0; k < 3; k++) {
      const i = p * 3 + k;
      rgb[i] = m === 0 ? original.rgb[i]! : m === 255 ? generated.rgb[i]! : Math.round(original.rgb[i]! + ((generated.rgb[i]! - original.rgb[i]!) * m) / 255);
    }
  }
  return { width: original.width, height: original.height, rgb };
}

/**
 * "Masked content: fill": the repaint region (mask ≥ 128) painted with the mean colour of the kept pixels, so
 * the sampler starts from the surrounding colour instead of the old content (A1111 diffuses the surrounding
 * colours inwards; a flat mean is the simple version of that).
 */
export function fillMasked(image: RgbImage, mask: Uint8Array): RgbImage {
  const sum = [0, 0, 0];
  let kept = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! >= 128) continue;
    kept++;
    for (let k = 0; k < 3; k++) sum[k]! += image.rgb[p * 3 + k]!;
  }
  const mean = sum.map((v) => (kept ? Math.round(v / kept) : 127));
  const rgb = image.rgb.slice();
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! >= 128) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = mean[k]!;
  }
  return { ...image, rgb };
}

/** 8-bit RGB → [3, H, W] in [-1, 1], the VAE encoder's input (v/127.5 − 1). */
export function toVaeInput(image: RgbImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 3; k++) out[k * n + p] = image.rgb[p * 3 + k]! / 127.5 - 1;
  }
  return out;
}
