// One generated image as a standalone PNG file with its metadata (the CLI's output): the A1111 `parameters`
// text and our `dato-studio` chunk, written atomically. The app's library uses image-store.ts instead.
import sharp from 'sharp';
import { basename, extname } from 'node:path';
import packageJson from '../../package.json';
import type { GenerateRequest, GenerateResult, RgbImage } from '../engine/index';
import { writeFileAtomic } from '../common/atomic-file';
import { formatA1111Parameters } from './parameters';
import { insertTextChunks, type TextEntry } from './png-text';
import { PARAMETERS_CHUNK_KEYWORD, STUDIO_CHUNK_KEYWORD, formatStudioMetadata } from './studio-metadata';

export interface GenerationPngContext {
  request: GenerateRequest;
  result: GenerateResult;
  /** Index of the image in the batch: its seed is request.seed + imageIndex. */
  imageIndex: number;
  modelPath: string;
}

/** The two text chunks describing image `imageIndex` of a generation. */
export function generationTextEntries(context: GenerationPngContext): TextEntry[] {
  const { request, result, imageIndex, modelPath } = context;
  const { mode, schedule: _planned, ...accel } = request.accel;
  const parameters = formatA1111Parameters({
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    steps: request.steps,
    sampler: request.sampler,
    cfg: request.cfg,
    seed: request.seed + imageIndex,
    width: request.width,
    height: request.height,
    modelName: basename(modelPath, extname(modelPath)),
  });
  const studio = formatStudioMetadata({
    format: 1,
    appVersion: packageJson.version,
    sampler: request.sampler,
    mode,
    schedule: result.plan.schedule,
    accel,
    provider: result.provider.provider,
    timings: { ...result.timings, steps: result.steps.map((s) => s.seconds) },
    unetSeconds: result.timings.unetLoop,
    speedup: null,
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
  });
  return [
    { keyword: PARAMETERS_CHUNK_KEYWORD, text: parameters },
    { keyword: STUDIO_CHUNK_KEYWORD, text: studio },
  ];
}

/** Encode `image` as PNG with its metadata and write it to `path` (replacing an existing file). */
export async function writeGenerationPng(path: string, image: RgbImage, context: GenerationPngContext): Promise<void> {
  const png = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
  await writeFileAtomic(path, insertTextChunks(png, generationTextEntries(context)), { replace: true });
}
