// The typed shape of a generation (one image of one job) and how it maps to and from its SQL row,
// joined with its image row and the model's display name.
import type { AccelSettings, HiresSettings } from '../engine/index';
import { ACCEL_MODES, type AccelMode, type SamplerName } from '../../preload/contract/vocabulary';
import { fromJsonColumn } from './json-column';

/** The acceleration mode as the engine names it (a new engine mode needs a migration of the CHECK lists). */
export type GenerationMode = AccelMode;
export const GENERATION_MODES: readonly GenerationMode[] = ACCEL_MODES;

export type GenerationStatus = 'pending' | 'complete' | 'failed' | 'interrupted';
export const GENERATION_STATUSES: readonly GenerationStatus[] = ['pending', 'complete', 'failed', 'interrupted'];

/** Acceleration parameters as run (the engine's AccelSettings without mode and schedule, stored as JSON). */
export type AccelParams = Omit<AccelSettings, 'mode' | 'schedule'>;

/** Wall-clock seconds per stage, as the engine reports them (Txt2ImgResult.timings plus per-step times). */
export interface StageTimings {
  load: number;
  textEncode: number;
  unetLoop: number;
  decode: number;
  total: number;
  /** One entry per UNet evaluation. */
  steps?: number[];
}

export interface NewGeneration {
  jobId: string;
  batchIndex: number;
  modelId: number | null;
  prompt: string;
  negativePrompt: string;
  sampler: SamplerName;
  steps: number;
  cfg: number;
  width: number;
  height: number;
  seed: number;
  mode: GenerationMode;
  /** The engine's schedule string (F = full, S = shallow, K = skip per evaluation); null = the mode's own. */
  schedule: string | null;
  accel: AccelParams;
  comparisonGroupId?: number | null;
  /** Hires fix's second pass (migration 5); width × height are then the first pass's size. */
  hires?: HiresSettings | null;
}

export interface ImageRecord {
  id: number;
  generationId: number;
  path: string;
  thumbPath: string | null;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  /** Set by startup reconciliation when the file is gone or no longer matches its size. */
  missing: boolean;
}

export interface GenerationRecord extends Required<NewGeneration> {
  id: number;
  /** Display name of the model at read time (null when the model was removed from the library). */
  modelName: string | null;
  provider: string | null;
  timings: StageTimings | null;
  unetSeconds: number | null;
  speedup: number | null;
  psnrVsBaseline: number | null;
  status: GenerationStatus;
  error: string | null;
  favourite: boolean;
  createdAt: number;
  deletedAt: number | null;
  image: ImageRecord | null;
}

/** SELECT list shared by every generation read: generation columns, model name, image columns. */
export const GENERATION_SELECT = `
  SELECT g.*, m.name AS model_name,
         i.id AS image_id, i.path AS image_path, i.thumb_path AS image_thumb_path, i.width AS image_width,
         i.height AS image_height, i.bytes AS image_bytes, i.sha256 AS image_sha256, i.missing AS image_missing
  FROM generations g
  LEFT JOIN models m ON m.id = g.model_id
  LEFT JOIN images i ON i.generation_id = g.id`;

export interface GenerationRow {
  id: number;
  job_id: string;
  batch_index: number;
  model_id: number | null;
  model_name: string | null;
  prompt: string;
  negative_prompt: string;
  sampler: string;
  steps: number;
  cfg: number;
  width: number;
  height: number;
  seed: number;
  mode: GenerationMode;
  schedule: string | null;
  accel: string;
  provider: string | null;
  timings: string | null;
  unet_seconds: number | null;
  speedup: number | null;
  psnr_vs_baseline: number | null;
  status: GenerationStatus;
  error: string | null;
  favourite: number;
  comparison_group_id: number | null;
  hires: string | null;
  created_at: number;
  deleted_at: number | null;
  image_id: number | null;
  image_path: string | null;
  image_thumb_path: string | null;
  image_width: number | null;
  image_height: number | null;
  image_bytes: number | null;
  image_sha256: string | null;
  image_missing: number | null;
}

function toImage(row: GenerationRow): ImageRecord | null {
  if (row.image_id === null || row.image_path === null) return null;
  return {
    id: row.image_id,
    generationId: row.id,
    path: row.image_path,
    thumbPath: row.image_thumb_path,
    width: row.image_width ?? row.width,
    height: row.image_height ?? row.height,
    bytes: row.image_bytes ?? 0,
    sha256: row.image_sha256 ?? '',
    missing: row.image_missing === 1,
  };
}

export function toGenerationRecord(row: GenerationRow): GenerationRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    batchIndex: row.batch_index,
    modelId: row.model_id,
    modelName: row.model_name,
    prompt: row.prompt,
    negativePrompt: row.negative_prompt,
    sampler: row.sampler as SamplerName,
    steps: row.steps,
    cfg: row.cfg,
    width: row.width,
    height: row.height,
    seed: row.seed,
    mode: row.mode,
    schedule: row.schedule,
    accel: fromJsonColumn<AccelParams>(row.accel, {}),
    provider: row.provider,
    timings: fromJsonColumn<StageTimings | null>(row.timings, null),
    unetSeconds: row.unet_seconds,
    speedup: row.speedup,
    psnrVsBaseline: row.psnr_vs_baseline,
    status: row.status,
    error: row.error,
    favourite: row.favourite === 1,
    comparisonGroupId: row.comparison_group_id,
    hires: fromJsonColumn<HiresSettings | null>(row.hires, null),
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    image: toImage(row),
  };
}
