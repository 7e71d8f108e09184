// The words the whole app shares, defined once: the contract validates with them, the engine runs them, the
// CLI parses them and the UI lists them. Adding a mode, sampler, provider or step kind is one edit to the
// array or table below; every `switch` over these types is checked for exhaustiveness by the linter, so the
// compiler and `npm run lint` point at every place that must learn the new word.
// Imports nothing: the sandboxed preload, the renderer and the engine process all bundle this file.

/** Acceleration modes (what each does: main/engine/accel/plan.ts). */
export const ACCEL_MODES = ['baseline', 'cached', 'dato', 'dato-fast', 'prune', 'custom', 'calibrated', 'adaptive'] as const;
export type AccelMode = (typeof ACCEL_MODES)[number];
/** The modes that prune tokens by default (at DEFAULT_PRUNE_RATIO); the others prune only when told to. */
export const PRUNING_MODES: readonly AccelMode[] = ['dato', 'dato-fast', 'prune'];

export const SAMPLER_NAMES = ['ddim', 'plms', 'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** What the UNet predicts: the noise ε (SD 1.x, SD 2.x 512-base) or v (SD 2.x 768-v); main/engine/schedulers/prediction.ts. */
export const PREDICTIONS = ['eps', 'v'] as const;
export type Prediction = (typeof PREDICTIONS)[number];

/** The checkpoint families the engine runs (main/engine/weights/detect.ts tells them apart), and their names. */
export const MODEL_FAMILIES = ['sd1', 'sd2'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];
export const MODEL_FAMILY_LABELS: Record<ModelFamily, string> = { sd1: 'SD 1.x', sd2: 'SD 2.x' };
/** What a LoRA or embedding may say it was made for: a family the engine runs, or SDXL (which it refuses). */
export type AddonBase = ModelFamily | 'sdxl';
export const ADDON_BASE_LABELS: Record<AddonBase, string> = { ...MODEL_FAMILY_LABELS, sdxl: 'SDXL' };

// --- Add-ons (issue 11): what the model library holds besides checkpoints --------------------------------
/** LoRAs, textual-inversion embeddings and standalone VAEs (main/engine/weights/addon-file.ts tells them apart). */
export const ADDON_KINDS = ['lora', 'embedding', 'vae'] as const;
export type AddonKind = (typeof ADDON_KINDS)[number];

/** 'auto' tries CUDA → DirectML → WebGPU → CPU; anything else forces that provider. */
export const PROVIDER_CHOICES = ['auto', 'cuda', 'dml', 'webgpu', 'cpu'] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
export type ProviderName = Exclude<ProviderChoice, 'auto'>;

/**
 * What one UNet evaluation runs, with its letter in a schedule string (`F,M,S,K,…`): the whole UNet, every
 * full-resolution block on the cached output of the deep middle, only the outer blocks on cached deep
 * features, or the previous noise prediction again.
 */
export const STEP_KIND_LETTERS = { full: 'F', medium: 'M', shallow: 'S', skip: 'K' } as const;
export type StepKind = keyof typeof STEP_KIND_LETTERS;
export const STEP_KINDS = Object.keys(STEP_KIND_LETTERS) as readonly StepKind[];

const LETTER_CLASS = `[${Object.values(STEP_KIND_LETTERS).join('')}]`;
/** A schedule as the user may type it: letters, case-insensitive, commas and spaces optional; first letter any. */
export const SCHEDULE_PATTERN = new RegExp(`^${LETTER_CLASS}(\\s*,?\\s*${LETTER_CLASS})*$`, 'i');

/** The step kind a (case-insensitive) schedule letter stands for, or undefined. */
export function stepKindOfLetter(letter: string): StepKind | undefined {
  const upper = letter.toUpperCase();
  return STEP_KINDS.find((k) => STEP_KIND_LETTERS[k] === upper);
}

/** `F,S,K,…`: the canonical way to write a schedule. */
export function formatSchedule(kinds: readonly StepKind[]): string {
  return kinds.map((k) => STEP_KIND_LETTERS[k]).join(',');
}

export function countKinds(kinds: readonly StepKind[]): Record<StepKind, number> {
  const counts = Object.fromEntries(STEP_KINDS.map((k) => [k, 0])) as Record<StepKind, number>;
  for (const k of kinds) counts[k]++;
  return counts;
}

/** What a schedule calibration is doing: sampling the baseline images, searching schedules, re-measuring the front. */
export const CALIBRATION_PHASES = ['baseline', 'search', 'verify'] as const;
export type CalibrationPhase = (typeof CALIBRATION_PHASES)[number];

/** A calibration run in the app: running, then finished with a front, stopped by the user, or failed. */
export const CALIBRATION_RUN_STATES = ['running', 'done', 'cancelled', 'failed'] as const;
export type CalibrationRunState = (typeof CALIBRATION_RUN_STATES)[number];

/** DaTo's prune ratio (the official code's hard-coded value), used when a pruning mode gives none. */
export const DEFAULT_PRUNE_RATIO = 0.4;

/** Bounds on what a user can ask for, checked by the contract's validators and again by the engine. */
export const LIMITS = {
  promptChars: 10_000,
  /** Each side, multiples of 8. */
  minSide: 64,
  maxSide: 2048,
  /** width × height budget (G-05): 2048×1024 or 1448×1448. */
  maxPixels: 2048 * 1024,
  minSteps: 1,
  maxSteps: 150,
  maxCfg: 30,
  maxBatchCount: 16,
  maxSeed: 0xffff_ffff,
  /** Pending jobs, the running one included (G-02 hard bound). */
  maxQueuedJobs: 64,
  maxCompareVariants: 6,
  maxScheduleChars: 4000,
  /** Base tokens (one in four) are never pruned, so at most 3/4 of the tokens can go (exclusive bound). */
  maxPruneRatio: 0.75,
  maxGalleryPage: 200,
  maxSearchChars: 500,
  maxIdsPerCall: 500,
  maxModelNameChars: 200,
  maxPathChars: 4096,
  maxCpuThreads: 1024,
  /** The adaptive rule's threshold (accumulated relative change of the head's output that triggers a full step). */
  minAdaptiveThreshold: 0.001,
  maxAdaptiveThreshold: 10,
  /** A calibration's time budget, minutes (the CLI's default is 10). */
  minCalibrationMinutes: 0.05,
  maxCalibrationMinutes: 240,
  maxPresetNameChars: 100,
  // add-ons (issue 11)
  /** LoRAs picked for one generation (prompt tags included). */
  maxLoras: 16,
  /** A LoRA's UNet / text-encoder multiplier (A1111 allows any; past ±4 images are noise). */
  maxLoraWeight: 4,
  /** A1111's clip skip: 1 = the text encoder's last layer, 12 = its first. */
  maxClipSkip: 12,
} as const;

// ---------------------------------------------------------------------------------------------- image-to-image
// Issue 9: the choices and bounds of image-to-image, inpainting and outpainting (the CLI, the engine, the
// metadata writer and the Image-to-image screen all use these).

/** How the input picture is brought to the generation size (main/images/source-image.ts says how each works). */
export const RESIZE_MODES = ['resize', 'crop', 'fill'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

/** What an inpainted area starts from (A1111's "masked content"). */
export const MASKED_CONTENTS = ['original', 'noise', 'fill'] as const;
export type MaskedContent = (typeof MASKED_CONTENTS)[number];

/** Repaint at the whole picture's size, or only the region around the mask at full size (A1111's "inpaint area"). */
export const INPAINT_AREAS = ['whole', 'only-masked'] as const;
export type InpaintArea = (typeof INPAINT_AREAS)[number];

/** A stored input picture, or a mask drawn for one (white = repaint). */
export const SOURCE_IMAGE_KINDS = ['image', 'mask'] as const;
export type SourceImageKind = (typeof SOURCE_IMAGE_KINDS)[number];

export const IMG2IMG_LIMITS = {
  /** An input file's bytes (as for every image the app is given). */
  maxSourceBytes: 128 * 1024 * 1024,
  /** An input picture's pixels (the decoder refuses more). */
  maxSourcePixels: 64 * 1024 * 1024,
  /** Gaussian blur σ of the mask edge, pixels. */
  maxMaskBlur: 64,
  /** Pixels kept around the mask in only-masked mode. */
  maxInpaintPadding: 512,
  /** Pixels added on one side when outpainting. */
  maxOutpaint: 2048,
  minStrength: 0.01,
  maxStrength: 1,
  /** Hires fix: the second pass's size is more than 1 and at most this many times the first's (A1111's slider). */
  maxHiresScale: 4,
} as const;

/**
 * How hires fix brings the first pass to the target size: the latents bilinear or nearest-exact, or the decoded
 * picture with Lanczos (main/engine/pipeline/hires-fix.ts says how each works).
 */
export const HIRES_UPSCALERS = ['latent', 'latent-nearest', 'lanczos'] as const;
export type HiresUpscaler = (typeof HIRES_UPSCALERS)[number];
/** A1111's names: the `Hires upscaler` metadata field, and the app's labels. */
export const HIRES_UPSCALER_LABELS: Record<HiresUpscaler, string> = {
  latent: 'Latent', 'latent-nearest': 'Latent (nearest-exact)', lanczos: 'Lanczos',
};

/** Hires fix's target size: base × scale, rounded down to multiples of 8 (the latent grid), as A1111. */
export function hiresTargetSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.floor((width * scale) / 8) * 8, height: Math.floor((height * scale) / 8) * 8 };
}

// ---------------------------------------------------------------------------------------------- error codes
// Every failed call rejects with one of these codes (main/common/app-error.ts is the one error class that
// carries them); the UI maps them to what the user can do. Grouped by the layer that raises them.

export type EngineErrorCode =
  | 'model-not-found'        // the path does not exist or is not readable
  | 'model-pickle'           // .ckpt/.pt/.bin pickle checkpoints: refused, they can run arbitrary code
  | 'model-corrupt'          // not a valid safetensors file / diffusers folder (bad header, offsets, sizes)
  | 'model-unsupported'      // a valid file, but an architecture we do not run (SDXL, inpaint, ...)
  | 'model-incomplete'       // an SD1 file with missing or wrongly shaped tensors
  | 'model-refused'          // checking the file went past the checker's time or memory bound: not opened
  | 'invalid-parameters'     // generation parameters out of range
  | 'provider-unavailable'   // a forced execution provider cannot be created on this machine
  | 'out-of-memory'          // the runtime could not allocate memory
  | 'numerical-error'        // NaN/Inf in the output (the image would be black)
  | 'disk-full'              // no space left while writing an image or the database
  | 'cancelled'              // the user cancelled the job
  | 'engine-crashed'         // the engine process/thread died; it is restarted for the next job
  | 'internal';              // a bug: the message carries the original error

export type DatabaseErrorCode =
  | 'database-corrupt'          // quick_check/integrity_check failed: offer restore from backup, never delete
  | 'database-too-new'          // written by a newer app version: refused for writing, never migrated down
  | 'database-migration-failed' // a migration threw: data and user_version are unchanged
  | 'database-busy'             // another connection held the write lock past busy_timeout: retry later
  | 'database-io-error'         // the drive failed a read or write (SQLITE_IOERR): check the drive
  | 'database-misconfigured';   // a pragma did not read back as set (e.g. WAL impossible on this filesystem)

/** Reading an image file the user gave us (drag-and-drop "load parameters"). */
export type ImageFileErrorCode =
  | 'image-invalid'    // not a PNG / damaged chunk (bad CRC, truncated) / malformed text metadata
  | 'image-too-large'; // over the byte, pixel or text-metadata limits

/** The app layer's own: a payload that failed validation, a sender or capability refused, an unknown id. */
export type ServiceErrorCode =
  | 'invalid-request' | 'forbidden' | 'not-found' | 'queue-full'
  | 'unavailable'      // not possible in this shell, e.g. a dialog in web mode
  | 'engine-busy';     // the engine is doing something that cannot share it (a calibration, or generations)

export type ApiErrorCode = EngineErrorCode | DatabaseErrorCode | ImageFileErrorCode | ServiceErrorCode;
