// Our own PNG text chunk (keyword "dato-studio"): the acceleration settings and measured timings that the
// A1111 `parameters` text has no place for, as JSON. Kept separate so A1111-format readers are unaffected.
import type { AppliedAddonsDto } from '../../preload/contract/dto';
import type { SamplerName } from '../../preload/contract/vocabulary';
import type { AccelParams, GenerationMode, StageTimings } from '../db/generation-record';

export const STUDIO_CHUNK_KEYWORD = 'dato-studio';
export const PARAMETERS_CHUNK_KEYWORD = 'parameters';

export interface StudioMetadata {
  /** Layout version of this JSON. */
  format: 1;
  appVersion: string;
  sampler: SamplerName;
  mode: GenerationMode;
  /** The schedule that ran (F / S / K per UNet evaluation), or null when not recorded. */
  schedule: string | null;
  accel: AccelParams;
  provider: string | null;
  timings: StageTimings | null;
  unetSeconds: number | null;
  speedup: number | null;
  /** The prompts exactly as given (the A1111 text trims every line; see parameters.ts). */
  prompt?: string;
  negativePrompt?: string;
  /** Image-to-image: the strength and the steps of the schedule that ran (the `schedule` covers those). */
  img2img?: { strength: number; scheduleSteps: number; startStep: number; stepsRun: number };
  /** Hires fix: the final size and the second pass's schedule. */
  hires?: { width: number; height: number; schedule: string; stepsRun: number };
  /** LoRAs with their weights, embeddings, VAE and clip skip (issue 11; A1111's text has no LoRA weights outside the prompt). */
  addons?: AppliedAddonsDto;
}

/** Our chunk's hires entry from what the engine reports of the second pass (GenerateResult['hires']). */
export function hiresMetadata(h: {
  readonly width: number; readonly height: number; readonly plan: { readonly schedule: string }; readonly start: { readonly stepsRun: number };
}): NonNullable<StudioMetadata['hires']> {
  return { width: h.width, height: h.height, schedule: h.plan.schedule, stepsRun: h.start.stepsRun };
}

export function formatStudioMetadata(metadata: StudioMetadata): string {
  return JSON.stringify(metadata);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The chunk's JSON when it has our layout, else null (another app's chunk, or a future format). */
export function parseStudioMetadata(text: string): StudioMetadata | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.format !== 1) return null;
  const ok = typeof value.appVersion === 'string' && typeof value.sampler === 'string' && typeof value.mode === 'string'
    && (value.schedule === null || typeof value.schedule === 'string') && isRecord(value.accel)
    && (value.provider === null || typeof value.provider === 'string')
    && (value.timings === null || isRecord(value.timings))
    && (value.unetSeconds === null || typeof value.unetSeconds === 'number')
    && (value.speedup === null || typeof value.speedup === 'number')
    && (value.prompt === undefined || typeof value.prompt === 'string')
    && (value.negativePrompt === undefined || typeof value.negativePrompt === 'string');
  return ok ? (value as unknown as StudioMetadata) : null;
}
