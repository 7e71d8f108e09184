// GET /images/<generationId>/<full|thumb|heatmap>: the file is found by id in the library (W-06), never from
// a client path. Anything that is not exactly that shape is a 404.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { ImageVariant } from '../../preload/contract';
import type { GalleryService } from '../services/gallery-service';
import type { SourceImagesService } from '../services/source-images-service';

const IMAGE_PATH = /^\/images\/([1-9]\d{0,15})\/(full|thumb|heatmap)$/;
/** GET /images/sources/<id>: an image-to-image source picture or mask (issue 9), by id only (under /images/: the cookie's path). */
const SOURCE_PATH = /^\/images\/sources\/([1-9]\d{0,15})$/;

export function parseSourcePath(pathname: string): number | null {
  const m = SOURCE_PATH.exec(pathname);
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null;
}

export function parseImagePath(pathname: string): { id: number; variant: ImageVariant } | null {
  const m = IMAGE_PATH.exec(pathname);
  if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
  return { id: Number(m[1]), variant: m[2] as ImageVariant };
}

/** Content type from what the library writes: PNG images and heat maps, WebP thumbnails. */
function contentType(file: string): string | null {
  if (file.endsWith('.png')) return 'image/png';
  if (file.endsWith('.webp')) return 'image/webp';
  return null;
}

/** Resolves true when it answered with the image. */
export async function sendImage(res: ServerResponse, gallery: GalleryService, id: number, variant: ImageVariant,
  headers: Record<string, string>): Promise<boolean> {
  return sendImageFile(res, gallery.filePath(id, variant), headers);
}

/** The same for a stored source picture or mask (issue 9). */
export async function sendSource(res: ServerResponse, sources: Pick<SourceImagesService, 'filePath'>, id: number,
  headers: Record<string, string>): Promise<boolean> {
  return sendImageFile(res, sources.filePath(id), headers);
}

async function sendImageFile(res: ServerResponse, file: string | null, headers: Record<string, string>): Promise<boolean> {
  const type = file && contentType(file);
  if (!file || !type) return false;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': info.size, 'Cache-Control': 'private, max-age=3600' });
  } catch {
    return false;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
  return true;
}
