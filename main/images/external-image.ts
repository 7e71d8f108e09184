// Reading image files from outside the app (drag-and-drop "load parameters", img2img input) with every
// resource bounded (F-05): file size, decoded pixels (sharp's default allows 268 MP), decode warnings, and
// the text-chunk caps of png-text.ts (zTXt/iTXt decompression bombs).
// PNG: the text chunks; JPEG/WebP: A1111's EXIF UserComment (exif-user-comment.ts).
import sharp, { type Sharp } from 'sharp';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readExifUserComment } from './exif-user-comment';
import { ImageFileError, damaged } from './image-file-error';
import { readTextChunks } from './png-text';
import { parseA1111Parameters, type ParsedA1111Parameters } from './parameters';
import { PARAMETERS_CHUNK_KEYWORD, STUDIO_CHUNK_KEYWORD, parseStudioMetadata, type StudioMetadata } from './studio-metadata';
import { IMG2IMG_LIMITS } from '../../preload/contract/vocabulary';

export const MAX_EXTERNAL_IMAGE_BYTES = IMG2IMG_LIMITS.maxSourceBytes;
/** 8192 × 8192: far above any SD 1.x size, far below what would exhaust memory when decoded. */
export const MAX_EXTERNAL_IMAGE_PIXELS = IMG2IMG_LIMITS.maxSourcePixels;

/** sharp with the limits every untrusted image gets; failOn 'error' rejects truncated or corrupt data on decode. */
export function openExternalImage(input: Buffer | string): Sharp {
  return sharp(input, { limitInputPixels: MAX_EXTERNAL_IMAGE_PIXELS, failOn: 'error', sequentialRead: true });
}

export interface ImageParameters {
  format: string;
  width: number;
  height: number;
  /** The `parameters` text as stored, or null when the image has none. */
  rawParameters: string | null;
  parameters: ParsedA1111Parameters | null;
  /** Our own chunk when the image came from DaTo Studio. */
  studio: StudioMetadata | null;
  /** Keywords of every text chunk (another tool's metadata, e.g. ComfyUI's `prompt`/`workflow`). */
  textKeywords: string[];
  /** SHA-256 of the file (issue 9: a library image dropped back in is found by it). */
  sha256?: string;
}

function toImageFileError(err: unknown): ImageFileError {
  if (err instanceof ImageFileError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new ImageFileError('image-too-large', 'This image has too many pixels to be opened safely.', message);
  }
  return damaged(message);
}

export async function readImageParameters(path: string): Promise<ImageParameters> {
  const info = await stat(path);
  if (!info.isFile()) throw new ImageFileError('image-invalid', 'This is not an image file.', path);
  if (info.size > MAX_EXTERNAL_IMAGE_BYTES) {
    throw new ImageFileError('image-too-large', 'This image file is larger than 128 MiB and was not opened.', `${info.size} bytes`);
  }
  return readImageParametersFromBytes(await readFile(path));
}

/** The same for bytes already in memory (an upload from a web-mode browser), size-capped the same way. */
export async function readImageParametersFromBytes(bytes: Buffer): Promise<ImageParameters> {
  if (bytes.length > MAX_EXTERNAL_IMAGE_BYTES) {
    throw new ImageFileError('image-too-large', 'This image file is larger than 128 MiB and was not opened.', `${bytes.length} bytes`);
  }
  try {
    const metadata = await openExternalImage(bytes).metadata();
    const result: ImageParameters = {
      format: metadata.format ?? 'unknown',
      width: metadata.width ?? 0,
      height: metadata.height ?? 0,
      rawParameters: null,
      parameters: null,
      studio: null,
      textKeywords: [],
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    const chunks = metadata.format === 'png' ? readTextChunks(bytes) : new Map<string, string>();
    result.textKeywords = [...chunks.keys()];
    const raw = chunks.get(PARAMETERS_CHUNK_KEYWORD) ?? (metadata.exif ? readExifUserComment(metadata.exif) ?? undefined : undefined);
    const studio = chunks.get(STUDIO_CHUNK_KEYWORD);
    if (raw !== undefined) {
      result.rawParameters = raw;
      result.parameters = parseA1111Parameters(raw);
    }
    if (studio !== undefined) result.studio = parseStudioMetadata(studio);
    // Our own images carry the exact prompts in their studio chunk (the A1111 text trims lines).
    if (result.parameters && result.studio?.prompt !== undefined) {
      result.parameters = { ...result.parameters, prompt: result.studio.prompt, negativePrompt: result.studio.negativePrompt ?? '' };
    }
    return result;
  } catch (err) {
    throw toImageFileError(err);
  }
}
