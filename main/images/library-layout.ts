// Where images live under the output folder, and how their files are named:
//   <outputDir>/2025-01-31/20250131-142501-1234-42-9f3a1c07.png   (day folder, local time)
//   <outputDir>/thumbnails/20250131-142501-1234-42-9f3a1c07.webp
//   <outputDir>/quarantine/...                                       (files reconciliation could not match)
//   <outputDir>/sources/image-<sha256>.png                            (image-to-image inputs and masks)
// Names carry the generation id, seed and random bits, so a final name is never reused. Reconciliation only
// ever touches names matching these patterns, so pointing the output folder at a folder with the user's own
// pictures is safe.
import { randomBytes } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { THUMBNAIL_EXTENSION } from './thumbnails';

export const THUMBNAILS_DIR = 'thumbnails';
export const QUARANTINE_DIR = 'quarantine';
/** Image-to-image pictures and masks (issue 9), named `<kind>-<sha256>.png`; reconciliation leaves them alone. */
export const SOURCES_DIR = 'sources';
export const DAY_DIR_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const IMAGE_NAME_PATTERN = /^\d{8}-\d{6}-\d+-\d+-[0-9a-f]{8}\.png$/;
export const THUMBNAIL_NAME_PATTERN = /^\d{8}-\d{6}-\d+-\d+-[0-9a-f]{8}\.webp$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function dayDirName(createdAt: number): string {
  const d = new Date(createdAt);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function stamp(createdAt: number): string {
  const d = new Date(createdAt);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export interface ImagePaths {
  dir: string;
  image: string;
  thumbnailDir: string;
  thumbnail: string;
}

/** Fresh paths for a generation's image and thumbnail (random suffix: never an existing name). */
export function newImagePaths(outputDir: string, generationId: number, seed: number, createdAt: number): ImagePaths {
  const stem = `${stamp(createdAt)}-${generationId}-${Math.abs(Math.trunc(seed))}-${randomBytes(4).toString('hex')}`;
  const dir = join(outputDir, dayDirName(createdAt));
  const thumbnailDir = join(outputDir, THUMBNAILS_DIR);
  return { dir, image: join(dir, `${stem}.png`), thumbnailDir, thumbnail: join(thumbnailDir, `${stem}${THUMBNAIL_EXTENSION}`) };
}

/** The thumbnail path belonging to an image path. */
export function thumbnailPathFor(outputDir: string, imagePath: string): string {
  return join(outputDir, THUMBNAILS_DIR, `${basename(imagePath, extname(imagePath))}${THUMBNAIL_EXTENSION}`);
}
