// Gallery thumbnails: small WebP files, rendered from the decoded pixels at save time, or from the PNG on
// disk when reconciliation finds one missing.
import sharp, { type Sharp } from 'sharp';
import { openExternalImage } from './external-image';

/** Longest edge in pixels (fits a 2× DPI gallery tile of 128 px). */
export const THUMBNAIL_MAX_EDGE = 256;
export const THUMBNAIL_EXTENSION = '.webp';

function toThumbnail(image: Sharp): Promise<Buffer> {
  return image
    .resize(THUMBNAIL_MAX_EDGE, THUMBNAIL_MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 82 })
    .toBuffer();
}

/** From interleaved RGB bytes (height × width × 3). */
export function renderThumbnail(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return toThumbnail(sharp(rgb, { raw: { width, height, channels: 3 } }));
}

/** From an image file; treated as untrusted (it may have been replaced on disk). */
export function renderThumbnailFromFile(path: string): Promise<Buffer> {
  return toThumbnail(openExternalImage(path));
}
