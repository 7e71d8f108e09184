// Input images for image-to-image, inpainting and outpainting, read with sharp under the limits every
// untrusted image gets (external-image.ts), brought to the generation size, plus their masks.
// Resize modes (A1111's names in brackets):
//   resize  stretch to the target size, ignoring the aspect ratio ("Just resize")
//   crop    scale to cover the target, centre, cut what sticks out ("Crop and resize")
//   fill    scale to fit inside the target, fill the bands with the image's edge pixels repeated ("Resize and fill")
// Masks: white = repaint. A mask must have the input image's size; it goes through the same resize, then an
// optional Gaussian blur (σ = mask blur, in pixels of the generation size) and inversion.
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../engine/index';
import { ImageFileError } from './image-file-error';
import { MAX_EXTERNAL_IMAGE_BYTES, MAX_EXTERNAL_IMAGE_PIXELS, openExternalImage } from './external-image';

import { IMG2IMG_LIMITS, type ResizeMode } from '../../preload/contract/vocabulary';

export { RESIZE_MODES, type ResizeMode } from '../../preload/contract/vocabulary';

/** One 8-bit channel per pixel, row-major (masks: 255 = repaint). */
export interface GreyImage { readonly width: number; readonly height: number; readonly data: Uint8Array }

export interface MaskOptions {
  /** Gaussian blur σ in pixels (0 = a hard edge). */
  readonly blur?: number;
  /** Repaint the black part instead of the white part. */
  readonly invert?: boolean;
}

/** Where a file or upload came from, for messages ("The mask", "mask.png"). */
async function bytesOf(input: Buffer | string, label: string): Promise<Buffer> {
  if (typeof input !== 'string') return input;
  const info = await stat(input).catch(() => null);
  if (!info?.isFile()) throw new ImageFileError('image-invalid', `${label} "${input}" does not exist or is not a file.`);
  if (info.size > MAX_EXTERNAL_IMAGE_BYTES) {
    throw new ImageFileError('image-too-large', `${label} "${input}" is larger than 128 MB and was not opened.`);
  }
  return readFile(input);
}

async function decode(input: Buffer | string, label: string, channels: 1 | 3): Promise<{ width: number; height: number; data: Uint8Array }> {
  const bytes = await bytesOf(input, label);
  try {
    const meta = await openExternalImage(bytes).metadata();
    if (!meta.width || !meta.height) throw new ImageFileError('image-invalid', `${label} has no pixels (0×0).`);
    let img = openExternalImage(bytes).rotate(); // EXIF orientation, as every viewer shows the picture
    img = channels === 3 ? img.flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb') : img.flatten({ background: '#000000' }).greyscale();
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    if (err instanceof ImageFileError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) {
      throw new ImageFileError('image-too-large', `${label} has more than ${MAX_EXTERNAL_IMAGE_PIXELS / 1024 / 1024} megapixels; use a smaller image.`, message);
    }
    throw new ImageFileError('image-invalid', `${label} is not an image that can be read (PNG, JPEG, WebP, GIF, TIFF or AVIF).`, message);
  }
}

export async function loadSourceImage(input: Buffer | string, label = 'The input image'): Promise<RgbImage> {
  const { width, height, data } = await decode(input, label, 3);
  return { width, height, rgb: data };
}

/** A mask on its own (stored before its picture is known to the caller; checked against it when used). */
export async function loadGreyImage(input: Buffer | string, label = 'The mask'): Promise<GreyImage> {
  return decode(input, label, 1);
}

/** A mask for `source`: same size required (a mask drawn for another picture would repaint the wrong place). */
export async function loadMask(input: Buffer | string, source: { width: number; height: number }, label = 'The mask'): Promise<GreyImage> {
  const mask = await decode(input, label, 1);
  if (mask.width !== source.width || mask.height !== source.height) {
    throw new ImageFileError('image-invalid',
      `${label} is ${mask.width}×${mask.height} but the input image is ${source.width}×${source.height}; they must be the same size.`);
  }
  return mask;
}

/** sharp over raw 8-bit pixels. */
export function raw(data: Uint8Array, width: number, height: number, channels: 1 | 3): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}

/** sharp's result as raw pixels with `channels` channels. */
export async function toPixels(img: Sharp, channels: 1 | 3): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await (channels === 1 ? img.extractChannel(0) : img).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function fit(data: Uint8Array, from: { width: number; height: number }, width: number, height: number, mode: ResizeMode, channels: 1 | 3) {
  const src = raw(data, from.width, from.height, channels);
  if (mode === 'resize') return toPixels(src.resize(width, height, { fit: 'fill', kernel: 'lanczos3' }), channels);
  if (mode === 'crop') return toPixels(src.resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' }), channels);
  const inner = await toPixels(src.resize(width, height, { fit: 'inside', kernel: 'lanczos3' }), channels);
  const left = Math.floor((width - inner.width) / 2);
  const top = Math.floor((height - inner.height) / 2);
  return toPixels(raw(inner.data, inner.width, inner.height, channels).extend({
    left, right: width - inner.width - left, top, bottom: height - inner.height - top, extendWith: 'copy',
  }), channels);
}

/** The image at the generation size. */
export async function fitImage(img: RgbImage, width: number, height: number, mode: ResizeMode): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const out = await fit(img.rgb, img, width, height, mode, 3);
  return { width, height, rgb: out.data };
}

/** The mask at the generation size (resized like its image), blurred and inverted as asked. */
export async function fitMask(mask: GreyImage, width: number, height: number, mode: ResizeMode, opts: MaskOptions = {}): Promise<GreyImage> {
  let data = mask.width === width && mask.height === height ? mask.data : (await fit(mask.data, mask, width, height, mode, 1)).data;
  if (opts.invert) data = data.map((v) => 255 - v);
  const blur = opts.blur ?? 0;
  if (blur > 0) data = (await toPixels(raw(data, width, height, 1).blur(Math.max(0.3, blur)), 1)).data;
  return { width, height, data };
}

export interface CanvasExtension { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number }

/**
 * Outpainting: the canvas grown by the given pixels (the new bands filled with the image's edge pixels repeated,
 * then grown again on the right/bottom to a multiple of 8) and the mask of everything new (255).
 */
export async function extendCanvas(img: RgbImage, by: CanvasExtension): Promise<{ image: RgbImage; mask: GreyImage }> {
  for (const [side, n] of Object.entries(by)) {
    if (!Number.isInteger(n) || n < 0 || n > IMG2IMG_LIMITS.maxOutpaint) throw new ImageFileError('image-invalid', `--${side} must be a whole number of pixels from 0 to ${IMG2IMG_LIMITS.maxOutpaint}, got ${n}.`);
  }
  if (by.left + by.right + by.top + by.bottom === 0) throw new ImageFileError('image-invalid', 'Outpainting needs at least one side to extend (--left, --right, --top or --bottom).');
  const w = img.width + by.left + by.right;
  const h = img.height + by.top + by.bottom;
  const right = by.right + (Math.ceil(w / 8) * 8 - w);
  const bottom = by.bottom + (Math.ceil(h / 8) * 8 - h);
  const grown = await toPixels(raw(img.rgb, img.width, img.height, 3).extend({ left: by.left, right, top: by.top, bottom, extendWith: 'copy' }), 3);
  const mask = new Uint8Array(grown.width * grown.height).fill(255);
  for (let y = 0; y < img.height; y++) mask.fill(0, (y + by.top) * grown.width + by.left, (y + by.top) * grown.width + by.left + img.width);
  return { image: { width: grown.width, height: grown.height, rgb: grown.data }, mask: { width: grown.width, height: grown.height, data: mask } };
}
