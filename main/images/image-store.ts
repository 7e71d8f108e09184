// The image save protocol (F-01): pending row → PNG encoded with its metadata → atomic write → thumbnail
// (atomic) → 'complete' row with size and SHA-256 in one transaction. Invariant: a complete row always
// points at a fully written file; a crash at any step leaves something reconcile.ts knows how to settle.
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { AppliedAddonsDto } from '../../preload/contract';
import { AppError, toAppError } from '../common/app-error';
import { mapSqliteError } from '../db/errors';
import type { GenerationsRepo, Completion } from '../db/generations-repo';
import type { GenerationRecord, NewGeneration } from '../db/generation-record';
import { writeFileAtomic } from '../common/atomic-file';
import { newImagePaths } from './library-layout';
import { formatA1111Parameters } from './parameters';
import { insertTextChunks } from './png-text';
import { PARAMETERS_CHUNK_KEYWORD, STUDIO_CHUNK_KEYWORD, formatStudioMetadata, type StudioMetadata } from './studio-metadata';
import { renderThumbnail } from './thumbnails';

/** Steps reported as they finish; crash tests stop the process at each one. */
export type SaveStep = 'pending-recorded' | 'encoded' | 'image-written' | 'thumbnail-written' | 'committed';

export interface SaveImageRequest {
  generations: GenerationsRepo;
  outputDir: string;
  /** A new generation (its pending row is written first), or the id of a pending row written at job start. */
  generation: NewGeneration | { pendingId: number };
  completion: Completion;
  /** Interleaved RGB, height × width × 3 bytes. */
  rgb: Uint8Array;
  width: number;
  height: number;
  appVersion: string;
  /** A1111 "Model hash" (AutoV2) when the caller knows it. */
  modelHash?: string;
  /** Further A1111 fields (image-to-image: img2img-parameters.ts; add-ons: `Clip skip`, `VAE`, `Lora hashes`, `TI hashes`). */
  extraParameters?: Record<string, string | number>;
  /** LoRAs (with weights), embeddings, VAE and clip skip, for our own chunk (issue 11). */
  addons?: AppliedAddonsDto;
  /** Image-to-image: the strength and steps that ran, for our own chunk. */
  img2img?: StudioMetadata['img2img'];
  /** Hires fix: the final size and the second pass's schedule, for our own chunk. */
  hires?: StudioMetadata['hires'];
  onProgress?: (step: SaveStep) => void;
}

export interface SavedImage {
  generationId: number;
  path: string;
  thumbPath: string;
  bytes: number;
  sha256: string;
}

function pendingRecord(request: SaveImageRequest): GenerationRecord {
  const { generations, generation } = request;
  const id = 'pendingId' in generation ? generation.pendingId : generations.insertPending(generation);
  const record = generations.get(id);
  if (!record || record.status !== 'pending') {
    throw new AppError('internal', 'Internal error: the generation to save is not pending.', `generation ${id}`);
  }
  return record;
}

async function encodePng(request: SaveImageRequest, record: GenerationRecord): Promise<Buffer> {
  const { rgb, width, height, completion } = request;
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
  const parameters = formatA1111Parameters({
    prompt: record.prompt,
    negativePrompt: record.negativePrompt,
    steps: record.steps,
    sampler: record.sampler,
    cfg: record.cfg,
    seed: record.seed,
    // the generation's size (A1111 `Size`): with hires fix the first pass's, the picture is larger
    width: record.width,
    height: record.height,
    modelHash: request.modelHash ?? null,
    modelName: record.modelName,
    ...(request.extraParameters ? { extra: request.extraParameters } : {}),
  });
  const studio = formatStudioMetadata({
    format: 1,
    appVersion: request.appVersion,
    sampler: record.sampler,
    mode: record.mode,
    schedule: record.schedule,
    accel: record.accel,
    provider: completion.provider,
    timings: completion.timings,
    unetSeconds: completion.unetSeconds,
    speedup: completion.speedup,
    prompt: record.prompt,
    negativePrompt: record.negativePrompt,
    ...(request.addons ? { addons: request.addons } : {}),
    ...(request.img2img ? { img2img: request.img2img } : {}),
    ...(request.hires ? { hires: request.hires } : {}),
  });
  return insertTextChunks(png, [
    { keyword: PARAMETERS_CHUNK_KEYWORD, text: parameters },
    { keyword: STUDIO_CHUNK_KEYWORD, text: studio },
  ]);
}

function toStoreError(err: unknown): AppError {
  return toAppError(mapSqliteError(err));
}

/**
 * Save one generated image. On failure the files written so far are removed, the row is marked failed and
 * an AppError ('disk-full' for ENOSPC/EDQUOT/SQLITE_FULL) or a DatabaseError ('database-busy',
 * retryable; 'database-io-error') is thrown; the caller still holds `rgb` for a retry or "save as".
 */
export async function saveGeneratedImage(request: SaveImageRequest): Promise<SavedImage> {
  const { rgb, width, height, outputDir, generations } = request;
  const progress = request.onProgress ?? (() => undefined);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || rgb.length !== width * height * 3) {
    throw new AppError('internal', 'Internal error: the decoded image has the wrong size.', `${rgb.length} bytes for ${width}x${height} RGB`);
  }
  let record: GenerationRecord;
  try {
    record = pendingRecord(request);
  } catch (err) {
    throw toStoreError(err);
  }
  progress('pending-recorded');

  const written: string[] = [];
  try {
    const png = await encodePng(request, record);
    const sha256 = createHash('sha256').update(png).digest('hex');
    progress('encoded');

    const paths = newImagePaths(outputDir, record.id, record.seed, record.createdAt);
    await mkdir(paths.dir, { recursive: true });
    await writeFileAtomic(paths.image, png);
    written.push(paths.image);
    progress('image-written');

    await mkdir(paths.thumbnailDir, { recursive: true });
    await writeFileAtomic(paths.thumbnail, await renderThumbnail(rgb, width, height));
    written.push(paths.thumbnail);
    progress('thumbnail-written');

    generations.markComplete(record.id,
      { path: paths.image, thumbPath: paths.thumbnail, width, height, bytes: png.length, sha256 },
      request.completion);
    progress('committed');
    return { generationId: record.id, path: paths.image, thumbPath: paths.thumbnail, bytes: png.length, sha256 };
  } catch (err) {
    const error = toStoreError(err);
    await Promise.all(written.map((path) => rm(path, { force: true })));
    try {
      generations.markFailed(record.id, error.message);
    } catch {
      // The database itself may be what failed (disk full). The row stays pending and startup
      // reconciliation marks it failed; the user still gets `error`.
    }
    throw error;
  }
}

/** Remove the files of purged generations (GenerationsRepo.purgeDeleted); already-missing files are fine. */
export async function deleteImageFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}
