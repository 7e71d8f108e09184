// "Inpaint area: only masked" (A1111's inpaint_full_res): the mask's bounding box plus padding, grown to the
// generation size's aspect ratio and kept inside the picture, is cut out and scaled to the generation size
// (the model's native resolution: small masked areas get all its pixels), generated there, scaled back with
// Lanczos and pasted over the input through the mask.
// Ref: A1111 modules/masking.py (get_crop_region, expand_crop_region), modules/processing.py (paste_to).
import { compositeByMask, type RgbImage } from '../engine/index';
import { ImageFileError } from './image-file-error';
import { raw, toPixels, type GreyImage } from './source-image';

export interface Region { readonly left: number; readonly top: number; readonly width: number; readonly height: number }

/** Bounding box of the mask's non-zero pixels plus `padding`, grown to width:height and clamped to the picture. */
export function cropRegion(mask: GreyImage, padding: number, aspect: { width: number; height: number }): Region {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x]! > 0) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
    }
  }
  if (x1 < 0) throw new ImageFileError('image-invalid', 'The mask is empty (all black): paint the area to repaint in white.');
  let left = Math.max(0, x0 - padding);
  let top = Math.max(0, y0 - padding);
  let right = Math.min(mask.width, x1 + 1 + padding);
  let bottom = Math.min(mask.height, y1 + 1 + padding);
  // grow the shorter side to the target aspect ratio, centred, shifted back inside the picture
  const ratio = aspect.width / aspect.height;
  const grow = (lo: number, hi: number, want: number, limit: number): [number, number] => {
    want = Math.min(limit, Math.round(want));
    const extra = want - (hi - lo);
    if (extra <= 0) return [lo, hi];
    let a = lo - Math.floor(extra / 2);
    let b = hi + Math.ceil(extra / 2);
    if (a < 0) { b -= a; a = 0; }
    if (b > limit) { a -= b - limit; b = limit; }
    return [Math.max(0, a), b];
  };
  if ((right - left) / (bottom - top) < ratio) [left, right] = grow(left, right, (bottom - top) * ratio, mask.width);
  else [top, bottom] = grow(top, bottom, (right - left) / ratio, mask.height);
  return { left, top, width: right - left, height: bottom - top };
}

/** The region of image and mask scaled to the generation size. */
export async function cutRegion(image: RgbImage, mask: GreyImage, region: Region, width: number, height: number): Promise<{ image: RgbImage; mask: Uint8Array }> {
  const scale = { fit: 'fill', kernel: 'lanczos3' } as const;
  const rgb = await toPixels(raw(image.rgb, image.width, image.height, 3).extract(region).resize(width, height, scale), 3);
  const m = await toPixels(raw(mask.data, mask.width, mask.height, 1).extract(region).resize(width, height, scale), 1);
  return { image: { width, height, rgb: rgb.data }, mask: m.data };
}

/** The generated region scaled back and pasted over `image` through `mask` (outside the mask: `image`'s bytes). */
export async function pasteRegion(image: RgbImage, mask: GreyImage, region: Region, generated: RgbImage): Promise<RgbImage> {
  const back = (await toPixels(raw(generated.rgb, generated.width, generated.height, 3)
    .resize(region.width, region.height, { fit: 'fill', kernel: 'lanczos3' }), 3)).data;
  const full = image.rgb.slice();
  for (let y = 0; y < region.height; y++) {
    const row = ((region.top + y) * image.width + region.left) * 3;
    full.set(back.subarray(y * region.width * 3, (y + 1) * region.width * 3), row);
  }
  return compositeByMask(image, { ...image, rgb: full }, mask.data);
}
