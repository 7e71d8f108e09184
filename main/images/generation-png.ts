// One generated image as a standalone file with its metadata (the CLI's output), written atomically. PNG: the
// A1111 `parameters` text and our `dato-studio` chunk. JPEG/WebP (quality 80, as A1111): the `parameters`
// text in EXIF UserComment, as A1111 writes it (our chunk has no place there). The app's library uses
// image-store.ts instead.
import sharp from 'sharp';
import { extname } from 'node:path';
import packageJson from '../../package.json';
import type { AddonHashes, GenerateRequest, GenerateResult, RgbImage } from '../engine/index';
import { writeFileAtomic } from '../common/atomic-file';
import { exifWithUserComment, insertJpegExif, insertWebpExif } from './exif-user-comment';
import { formatA1111Parameters } from './parameters';
import { insertTextChunks, type TextEntry } from './png-text';
import { PARAMETERS_CHUNK_KEYWORD, STUDIO_CHUNK_KEYWORD, formatStudioMetadata, hiresMetadata } from './studio-metadata';

export interface GenerationPngContext {
  request: GenerateRequest;
  result: GenerateResult;
  /** Index of the image in the batch: its seed is request.seed + imageIndex. */
  imageIndex: number;
  /** The model as the user knows it (the app's display name), written into the parameters text. */
  modelName: string;
  /** Further A1111 fields (image-to-image, inpainting, hires fix: img2img-parameters.ts). */
  extraParameters?: Record<string, string | number>;
}

/** A1111's infotext fields for clip skip, VAE and LoRAs (absent when not used, as A1111 writes them). */
export function addonFields(request: Pick<GenerateRequest, 'clipSkip'>, addons: AddonHashes): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  if ((request.clipSkip ?? 1) > 1) fields['Clip skip'] = request.clipSkip!;
  if (addons.vae) { fields['VAE hash'] = addons.vae.hash; fields['VAE'] = addons.vae.name; }
  if (addons.loras.length) fields['Lora hashes'] = addons.loras.map((l) => `${l.name}: ${l.hash}`).join(', ');
  if (addons.embeddings?.length) fields['TI hashes'] = addons.embeddings.map((e) => `${e.name}: ${e.hash}`).join(', ');
  return fields;
}

/** The two text chunks describing image `imageIndex` of a generation. */
export function generationTextEntries(context: GenerationPngContext): TextEntry[] {
  const { request, result, imageIndex, modelName } = context;
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
    modelName,
    extra: { ...addonFields(request, result.addons), ...context.extraParameters },
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
    ...(result.img2img && request.init ? { img2img: { strength: request.init.strength, ...withoutNoiseFlag(result.img2img) } } : {}),
    ...(result.hires ? { hires: hiresMetadata(result.hires) } : {}),
  });
  return [
    { keyword: PARAMETERS_CHUNK_KEYWORD, text: parameters },
    { keyword: STUDIO_CHUNK_KEYWORD, text: studio },
  ];
}

function withoutNoiseFlag({ pureNoise: _pureNoise, ...s }: NonNullable<GenerateResult['img2img']>) {
  return s;
}

export const GENERATION_IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type GenerationImageFormat = (typeof GENERATION_IMAGE_FORMATS)[number];

/** The format a file name asks for (.png, .jpg/.jpeg, .webp), or null for any other extension. */
export function generationImageFormat(path: string): GenerationImageFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : ext === '.webp' ? 'webp' : null;
}

async function encode(format: GenerationImageFormat, image: RgbImage, entries: TextEntry[]): Promise<Buffer> {
  const pixels = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (format === 'png') return insertTextChunks(await pixels.png().toBuffer(), entries);
  const exif = exifWithUserComment(entries.find((e) => e.keyword === PARAMETERS_CHUNK_KEYWORD)!.text);
  if (format === 'jpeg') return insertJpegExif(await pixels.jpeg({ quality: 80 }).toBuffer(), exif);
  return insertWebpExif(await pixels.webp({ quality: 80 }).toBuffer(), exif, image.width, image.height);
}

/** Encode `image` in the format its name asks for, with its metadata, and write it to `path` (replacing an old file). */
export async function writeGenerationImage(path: string, image: RgbImage, context: GenerationPngContext): Promise<void> {
  const format = generationImageFormat(path);
  if (!format) throw new Error(`${path}: not a .png, .jpg, .jpeg or .webp file name`);
  await writeFileAtomic(path, await encode(format, image, generationTextEntries(context)), { replace: true });
}
