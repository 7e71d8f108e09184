// One generated image as a standalone PNG file with its metadata (the CLI's output): the A1111 `parameters`
// text and our `dato-studio` chunk, written atomically. The app's library uses image-store.ts instead.
import sharp from 'sharp';
import { basename, extname } from 'node:path';
import packageJson from '../../package.json';
import type { GenerateRequest, GenerateResult } from '../engine/engine-protocol';
import type { RgbImage } from '../engine/pipeline/latent-preview';
import { writeFileAtomic } from './atomic-write';
import { formatA1111Parameters } from './parameters';
import { insertTextChunks, type TextEntry } from './png-text';
import { PARAMETERS_CHUNK_KEYWORD, STUDIO_CHUNK_KEYWORD, formatStudioMetadata } from './studio-metadata';

export interface GenerationPngContext {
  request: GenerateRequest;
  result: GenerateResult;
  /** Index of the image in the batch: its seed is request.seed + imageIndex. */
  imageIndex: number;
  modelPath: string;
  /** Further A1111 fields (image-to-image, inpainting, hires fix: img2img-parameters.ts). */
  extraParameters?: Record<string, string | number>;
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
    ...(context.extraParameters ? { extra: context.extraParameters } : {}),
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
    ...(result.img2img && request.init ? { img2img: { strength: request.init.strength, ...withoutNoiseFlag(result.img2img) } } : {}),
    ...(result.hires ? { hires: { width: result.hires.width, height: result.hires.height, schedule: result.hires.plan.schedule, stepsRun: result.hires.start.stepsRun } } : {}),
  });
  return [
    { keyword: PARAMETERS_CHUNK_KEYWORD, text: parameters },
    { keyword: STUDIO_CHUNK_KEYWORD, text: studio },
  ];
}

function withoutNoiseFlag({ pureNoise: _pureNoise, ...s }: NonNullable<GenerateResult['img2img']>) {
  return s;
}

/** Encode `image` as PNG with its metadata and write it to `path` (replacing an existing file). */
export async function writeGenerationPng(path: string, image: RgbImage, context: GenerationPngContext): Promise<void> {
  const png = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
  await writeFileAtomic(path, insertTextChunks(png, generationTextEntries(context)), { replace: true });
}
