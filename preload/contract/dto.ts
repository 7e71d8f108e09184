// The data that crosses the UI boundary: plain JSON-able objects only (structured clone over Electron IPC,
// JSON over the web-mode WebSocket). Self-contained on purpose: the renderer imports these types without
// pulling in anything from main/. Times are Unix milliseconds; durations are seconds.

// ---------------------------------------------------------------------------------------------- enums

export * from './vocabulary';
import type { AccelMode, AddonKind, ApiErrorCode, ProviderChoice, ProviderName, SamplerName, StepKind } from './vocabulary';
import type { CalibrationPhase, CalibrationRunState } from './vocabulary';
import type { AddonBase, HiresUpscaler, InpaintArea, MaskedContent, ModelFamily, Prediction, ResizeMode, SourceImageKind } from './vocabulary';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/**
 * A job's life: queued → loading (model/sessions) → running (UNet loop) → saving → done, or failed /
 * cancelled at any point. 'interrupted': the app stopped while the job was unfinished (seen after restart).
 */
export const JOB_STATES = ['queued', 'loading', 'running', 'saving', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_JOB_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];

export type ImageVariant = 'full' | 'thumb' | 'heatmap';

// ---------------------------------------------------------------------------------------------- errors

/** Every failed call rejects with an ApiError carrying one of the codes in vocabulary.ts. */
export interface ApiErrorDto {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** For 'invalid-request': the request field the message is about (`steps`), so a form can show it there. */
  readonly field?: string;
}

/** What window.studio's functions resolve to (Electron); the client wrappers turn errors into ApiError throws. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiErrorDto };

// ---------------------------------------------------------------------------------------------- generation

/** Acceleration as the user picked it: a preset's values or Custom (schedule letters F/M/S/K + prune ratio). */
export interface AccelDto {
  mode: AccelMode;
  /** `F,M,S,K,…` one letter per UNet evaluation (resampled to the step count); required for 'custom'. */
  schedule?: string;
  /** DeepCache interval for 'cached' (default 3). */
  cacheInterval?: number;
  /** Fraction of tokens pruned in full-resolution self-attention, 0 ≤ r < 0.75 (DaTo default 0.4). */
  pruneRatio?: number;
  gamma?: number;
  alpha?: number;
  flip?: number;
  /** 'adaptive': accumulated change of the head's output that triggers a full step. */
  adaptiveThreshold?: number;
}

export type SeedChoice = { mode: 'random' } | { mode: 'fixed'; value: number } | { mode: 'reuse-last' };

export interface GenerateParams {
  /** null = the default model. */
  modelId: number | null;
  prompt: string;
  negativePrompt: string;
  accel: AccelDto;
  sampler: SamplerName;
  steps: number;
  cfg: number;
  /** Multiples of 8. */
  width: number;
  height: number;
  seed: SeedChoice;
  /** N jobs with seeds seed, seed+1, … */
  batchCount: number;
  // --- add-ons (issue 11); textual-inversion embeddings need no field: every library embedding whose
  // trigger word is in a prompt is used, as in A1111
  /** LoRAs from the library with their weights (`<lora:name:w>` tags in the prompt add to these). */
  loras?: LoraUseDto[];
  /** A VAE from the library to decode with instead of the model's own (null or absent: the model's). */
  vaeId?: number | null;
  /** A1111's clip skip: 1 (default) uses the text encoder's last layer, N stops N−1 layers earlier. */
  clipSkip?: number;
  /** Image-to-image / inpainting / outpainting (issue 9); absent = text-to-image. */
  source?: SourceParamsDto;
  /** Hires fix (issue 9): a second image-to-image pass at a larger size; text-to-image only. */
  hires?: HiresParamsDto;
}

/** One LoRA of a generation: the library entry and its UNet and text-encoder multipliers. */
export interface LoraUseDto {
  addonId: number;
  unet: number;
  text: number;
}

export interface SizeOption { readonly label: string; readonly width: number; readonly height: number }

/** Defaults for one model: what the Generate form should show when that model is picked. */
export interface GenerationDefaults {
  readonly modelId: number;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  /** Common aspect ratios at the model's native size, multiples of 8. */
  readonly sizes: readonly SizeOption[];
  /** The seed the next 'reuse-last' would use (null before the first generation). */
  readonly lastSeed: number | null;
}

/** What an acceleration choice costs before it runs (computed from the graphs the engine would build). */
export interface PlanCostParams {
  readonly modelId: number | null;
  readonly accel: AccelDto;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly width: number;
  readonly height: number;
  /** Hires fix: cost its second pass too (the same acceleration, at the target size and its steps). */
  readonly hires?: HiresParamsDto;
}

export interface PlanCostDto {
  /** UNet evaluations (PLMS runs one more than its steps). */
  readonly evaluations: number;
  /** `F,S,K,…` one letter per evaluation. */
  readonly schedule: string;
  readonly counts: Readonly<Record<StepKind, number>>;
  /** Estimated multiply-accumulates relative to the baseline (DaTo's own selection work included). */
  readonly macFraction: number;
  /** 1 / macFraction: the speed-up the arithmetic allows. */
  readonly idealSpeedup: number;
  /** Hires fix's second pass, when asked for (the fields above are the first pass's). */
  readonly hiresPass?: Omit<PlanCostDto, 'hiresPass'>;
}

export interface PresetDto {
  readonly id: number;
  readonly name: string;
  readonly builtin: boolean;
  readonly accel: AccelDto;
}

export interface ProgressDto {
  /** 1-based evaluation just finished, of `total` UNet evaluations. */
  readonly step: number;
  readonly total: number;
  /** 'full' | 'medium' | 'shallow' | 'skip' evaluation. */
  readonly kind: string;
  readonly itPerSec: number;
  readonly etaSeconds: number;
  /** Latent-sized preview (16×16 for the demo model, 64×64 for SD 1.5 at 512): scale it up in CSS. */
  readonly preview: PreviewDto | null;
}

/** A small PNG as a data URL (`data:image/png;base64,…`), encoded in main. */
export interface PreviewDto { readonly width: number; readonly height: number; readonly dataUrl: string }

export interface StageTimingsDto {
  readonly load: number;
  readonly textEncode: number;
  readonly unetLoop: number;
  readonly decode: number;
  readonly save: number;
  /** Wall time of the whole job, queue wait excluded. */
  readonly total: number;
}

/**
 * Speed-up = baseline UNet-loop seconds / this run's UNet-loop seconds, both steady-state: each evaluation
 * counted at the median time of its kind in its run, so one-off costs of a graph's first use (WebGPU shader
 * compilation after a model load) do not count; the wall times in StageTimingsDto are as measured.
 * basis 'measured': against a real baseline run of the same model, provider, size, sampler and steps;
 * 'estimated': no such run yet, so the baseline is this run's seconds per full-evaluation equivalent × the
 * evaluations a baseline would run (i.e. the arithmetic speed-up 1 / MAC fraction).
 */
export interface SpeedupDto {
  readonly value: number;
  readonly basis: 'measured' | 'estimated';
  readonly baselineUnetSeconds: number;
}

export interface JobResultDto {
  readonly generationId: number;
  readonly width: number;
  readonly height: number;
  readonly provider: string;
  readonly timings: StageTimingsDto;
  /** Letters F/S/K per evaluation, as run. */
  readonly schedule: string;
  readonly speedup: SpeedupDto | null;
  /** Against a same-seed baseline in the library (same model, prompts, sampler, steps, CFG, size); null when there is none. */
  readonly fidelity: FidelityDto | null;
  /** The LoRAs, embeddings, VAE and clip skip the image was made with (issue 11); null when none. */
  readonly addons?: AppliedAddonsDto | null;
}

/** What a generation applied besides the checkpoint, with A1111's short hashes (the PNG's `Lora hashes`, `TI hashes`, `VAE hash`). */
export interface AppliedAddonsDto {
  readonly loras: readonly AppliedLoraDto[];
  readonly embeddings: readonly { readonly name: string; readonly hash: string }[];
  readonly vae: { readonly name: string; readonly hash: string } | null;
  readonly clipSkip: number;
}

export interface AppliedLoraDto {
  /** The file's name without `.safetensors` (what `<lora:name>` and `Lora hashes` use). */
  readonly name: string;
  readonly hash: string;
  readonly unet: number;
  readonly text: number;
  /** Modules of the file that adapt a layer of this model, of all its modules. */
  readonly applied: number;
  readonly modules: number;
  /** Keys or modules that match nothing in this model: how many, and a few names. */
  readonly unmatched: number;
  readonly unmatchedExamples: readonly string[];
}

/** How much of the baseline picture a run kept. */
export interface FidelityDto {
  /** dB vs the baseline image; null = identical. */
  readonly psnr: number | null;
  readonly baselineGenerationId: number;
}

/** PSNR below which differences from the baseline are easy to see (and a preset is said to cost fidelity). */
export const VISIBLE_DIFFERENCE_DB = 30;

/** What the library knows about a preset's fidelity on one model, sampler and step count. */
export interface PresetFidelityDto {
  readonly presetId: number;
  /** Same-seed runs of this preset with a baseline to compare against (comparisons and Generate runs). */
  readonly runs: number;
  /** Median dB vs the baseline image (identical images count as 100 dB). */
  readonly medianPsnr: number;
  /** Comparison runs judged against the plain run with the same measured time, and how many of those it lost. */
  readonly equalTimeJudged: number;
  readonly fewerStepsKeptMore: number;
  /** Median PSNR below VISIBLE_DIFFERENCE_DB, or fewer steps in the same time kept more in most judged runs. */
  readonly costsFidelity: boolean;
}

export interface PresetFidelityParams {
  readonly modelId: number | null;
  readonly sampler: SamplerName;
  readonly steps: number;
}

/** Save an acceleration as a user preset (e.g. a calibration's front point, named by its speed-up and fidelity). */
export interface SavePresetParams {
  readonly name: string;
  readonly accel: AccelDto;
}

/** What a preset is expected to give before it runs, from the calibration it comes from. */
export interface ExpectedQualityParams {
  readonly modelId: number | null;
  readonly accel: AccelDto;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
}

export interface ExpectedQualityDto {
  /** Expected MAC speed-up and mean PSNR vs the baseline image, and where they come from (null: not known). */
  readonly expected: { readonly macSpeedup: number; readonly psnr: number; readonly source: string } | null;
  /** `calibrated` was asked for, and neither the library nor the shipped calibration has one for these settings. */
  readonly uncalibrated: boolean;
}

// ---------------------------------------------------------------------------------------------- calibration

/** Start (or resume) a schedule calibration of one model, sampler, step count, guidance and size. */
export interface CalibrateParams {
  readonly modelId: number | null;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  /** Time budget of this run. */
  readonly minutes: number;
}

/** One point of a calibration's Pareto front. */
export interface FrontPointDto {
  /** `F,M,S,K` letters, one per evaluation of the calibrated step count; empty for the adaptive rule. */
  readonly schedule: string;
  /** Set when the point is the adaptive rule at this threshold: it decides per image which steps to recompute. */
  readonly adaptiveThreshold?: number;
  readonly pruneRatio: number;
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline images on the calibration prompts, dB. */
  readonly psnr: number;
}

/** The plain sampler at fewer steps, measured by the calibration on its prompts and seeds. */
export interface PlainPointDto {
  readonly steps: number;
  /** The calibrated step count's UNet evaluations over this one's. */
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline images, dB. */
  readonly psnr: number;
}

/** A finished calibration stored in the library. */
export interface CalibrationDto {
  readonly id: number;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  /** Search time over all its runs. */
  readonly seconds: number;
  readonly updatedAt: number;
  /** Fastest first. */
  readonly front: readonly FrontPointDto[];
  /** The plain sampler at fewer steps (the line the front must beat), fewest steps first; empty for older calibrations. */
  readonly plain: readonly PlainPointDto[];
}

export interface CalibrationProgressDto {
  readonly phase: CalibrationPhase;
  /** 0..1 of the time budget (the search runs until it is spent). */
  readonly fraction: number;
  /** Schedules measured so far (a resumed run counts the earlier ones). */
  readonly candidates: number;
  readonly message: string;
  /** Seconds left of the time budget. */
  readonly etaSeconds: number;
}

/** The app's calibration run (one at a time). */
export interface CalibrationRunDto {
  readonly id: string;
  readonly params: CalibrateParams;
  readonly modelId: number;
  readonly modelName: string;
  readonly state: CalibrationRunState;
  /** Schedules an earlier, stopped run of the same settings had measured (0: a fresh start). */
  readonly resumedFrom: number;
  /** Null until the model is loaded and the first baseline image is being sampled. */
  readonly progress: CalibrationProgressDto | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly error: ApiErrorDto | null;
  /** The stored result once 'done'. */
  readonly calibration: CalibrationDto | null;
}

/** The parameters a job runs with, everything resolved (model, seed). */
export interface JobParamsDto {
  readonly modelId: number;
  readonly modelName: string;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly accel: AccelDto;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly batchIndex: number;
  readonly batchCount: number;
  // add-ons (issue 11), as asked (what ran: JobResultDto.addons)
  readonly loras?: readonly LoraUseDto[];
  readonly vaeId?: number | null;
  readonly clipSkip?: number;
  /** Image-to-image (issue 9). */
  readonly source?: SourceParamsDto;
  /** Hires fix (issue 9): width × height is the first pass's size. */
  readonly hires?: HiresParamsDto;
}

export interface JobDto {
  readonly id: string;
  readonly state: JobState;
  /** 0 = next to run; null when not queued. */
  readonly queuePosition: number | null;
  readonly params: JobParamsDto;
  readonly comparisonId: number | null;
  /** The gallery row (written when the job starts; its image exists once state is 'done'). */
  readonly generationId: number | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly progress: ProgressDto | null;
  /** Before the first step: what the engine is doing (first load of a model: header, weights, graphs, sessions). */
  readonly loadStage: string | null;
  readonly result: JobResultDto | null;
  readonly error: ApiErrorDto | null;
}

/**
 * The generation parameters read from an image the user dropped or pasted on Generate: ours (acceleration
 * included), any A1111-format `parameters` text (A1111, Forge, Fooocus, stable-diffusion.cpp, Civitai…), or
 * none. null = the image does not say (the form keeps its value).
 */
export interface ImageParametersDto {
  readonly source: 'dato-studio' | 'a1111' | 'none';
  readonly prompt: string | null;
  readonly negativePrompt: string | null;
  readonly sampler: SamplerName | null;
  readonly steps: number | null;
  readonly cfg: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly seed: number | null;
  readonly accel: AccelDto | null;
  /** The model the image names (matched to a library model by name in the UI). */
  readonly modelName: string | null;
  /** LoRAs, embeddings, VAE and clip skip the image names (matched to the library by hash or name in the UI). */
  readonly addons?: ImageAddonsDto | null;
  /** What could not be used, in words: a sampler we do not run, another tool's workflow, no metadata. */
  readonly notes: readonly string[];
  /** Image-to-image settings the image names (issue 9); absent for text-to-image. */
  readonly img2img?: Img2ImgSettingsDto;
  /** Hires-fix settings the image names (issue 9; its size is then the first pass's). */
  readonly hires?: HiresParamsDto;
}

/** Add-ons an image's parameters name (issue 11): our chunk gives the weights; A1111's text only names and hashes. */
export interface ImageAddonsDto {
  /** LoRAs chosen outside the prompt (prompt tags stay in the prompt and are listed in promptLoras). */
  readonly loras: readonly { readonly name: string; readonly hash: string | null; readonly unet: number; readonly text: number }[];
  /** Names in the prompt's `<lora:name:w>` tags (they must be in the library for the prompt to run). */
  readonly promptLoras: readonly { readonly name: string; readonly hash: string | null }[];
  readonly embeddings: readonly { readonly name: string; readonly hash: string | null }[];
  readonly vae: { readonly name: string; readonly hash: string | null } | null;
  readonly clipSkip: number | null;
}

// ---------------------------------------------------------------------------------------------- compare

/** One prompt and seed through several presets; baseline always runs first (added when missing). */
export interface CompareParams {
  params: Omit<GenerateParams, 'accel' | 'batchCount'>;
  variants: AccelDto[];
}

export interface ComparisonMemberDto {
  readonly jobId: string | null;
  readonly generationId: number | null;
  readonly accel: AccelDto;
  readonly state: JobState;
  readonly wallSeconds: number | null;
  readonly unetSeconds: number | null;
  /** Against this group's baseline run (basis 'measured'). */
  readonly speedup: number | null;
  /** dB vs the baseline image; null for the baseline itself (identical: infinite) or before both exist. */
  readonly psnr: number | null;
  /** True when a difference heat map exists: imageUrl(generationId, 'heatmap'). */
  readonly hasHeatmap: boolean;
  /** For an accelerated variant: the plain run with the same measured time; null for the baseline or before the speed-up is known. */
  readonly equalTime: EqualTimeDto | null;
}

/**
 * "Fewer steps, same time": the plain sampler (same seed) at ⌈N / this variant's measured speed-up⌉ steps,
 * queued by the comparison once the variant's speed-up is measured. A variant no faster than the baseline is
 * matched by the baseline itself.
 */
export interface EqualTimeDto {
  readonly steps: number;
  /** The plain run's gallery row (the baseline's when isBaseline); null when it was never queued (older comparisons). */
  readonly generationId: number | null;
  readonly jobId: string | null;
  readonly state: JobState | null;
  readonly isBaseline: boolean;
  /** Measured against the group's baseline. */
  readonly speedup: number | null;
  /** dB vs the baseline image; null until known, and for the baseline itself (identical). */
  readonly psnr: number | null;
  /** Which kept more of the baseline (higher PSNR; within 0.05 dB a tie); null until both PSNRs are known. */
  readonly kept: EqualTimeVerdict | null;
}

export type EqualTimeVerdict = 'variant' | 'fewer-steps' | 'tie';

export interface ComparisonDto {
  readonly id: number;
  readonly createdAt: number;
  readonly prompt: string;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly sampler: SamplerName;
  /** The baseline's step count (every chosen variant runs it). */
  readonly steps: number;
  readonly baselineGenerationId: number | null;
  /** The chosen variants, baseline first (the equal-time plain runs are inside their variants' equalTime). */
  readonly members: readonly ComparisonMemberDto[];
}

// ---------------------------------------------------------------------------------------------- gallery

export interface GalleryQueryDto {
  search?: string;
  modelId?: number;
  mode?: AccelMode;
  favouritesOnly?: boolean;
  /** createdAt >= from */
  from?: number;
  /** createdAt < to */
  to?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  limit: number;
}

export interface GalleryItemDto {
  readonly id: number;
  readonly prompt: string;
  readonly modelId: number | null;
  readonly modelName: string | null;
  readonly mode: AccelMode;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly favourite: boolean;
  readonly createdAt: number;
  readonly speedup: number | null;
  readonly comparisonId: number | null;
  /** The file is gone or changed on disk (found by the startup check). */
  readonly missing: boolean;
}

/** A prompt from the library: how often it ran and when last (prompt history on Generate). */
export interface PromptHistoryItemDto {
  readonly prompt: string;
  readonly uses: number;
  readonly lastUsedAt: number;
}

export interface GalleryPageDto { readonly items: readonly GalleryItemDto[]; readonly nextCursor: string | null }

export interface GenerationDetailDto extends GalleryItemDto {
  readonly jobId: string;
  readonly batchIndex: number;
  readonly negativePrompt: string;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly accel: AccelDto;
  /** F/S/K letters as run (null: the mode's own). */
  readonly schedule: string | null;
  readonly provider: string | null;
  readonly timings: StageTimingsDto | null;
  readonly unetSeconds: number | null;
  readonly speedupDetail: SpeedupDto | null;
  readonly psnrVsBaseline: number | null;
  readonly fileName: string | null;
  readonly bytes: number | null;
  /** The A1111 `parameters` text (what "copy parameters" puts on the clipboard). */
  readonly parametersText: string;
  /** LoRAs, embeddings, VAE and clip skip applied (issue 11); null when none. */
  readonly addons?: AppliedAddonsDto | null;
  /** The picture it was made from, kept in the library (issue 9); null for text-to-image. */
  readonly source: SourceParamsDto | null;
  /** Hires fix (issue 9): width × height above is the first pass's, the image is the target size; null without. */
  readonly hires: HiresParamsDto | null;
}

// ---------------------------------------------------------------------------------------------- models

export interface ArchitectureDto {
  readonly family: ModelFamily;
  /** What the UNet predicts (SD 2.x 768-v: v), as detected or configured. */
  readonly prediction: Prediction;
  readonly nativeSize: number;
  readonly unetParameters: number;
  readonly textParameters: number;
  readonly vaeParameters: number;
  readonly modelChannels: number;
  readonly contextDim: number;
}

export interface ModelDto {
  readonly id: number;
  readonly name: string;
  readonly kind: 'single-file' | 'diffusers' | 'embedded';
  /** The embedded demo model (small, draws coloured shapes): always listed, cannot be removed. */
  readonly isDemo: boolean;
  /** One line for the UI (the demo model's says what it is and points at importing a real checkpoint). */
  readonly description: string;
  /** Prompts in the caption grammar the model was trained on (its own files ship it); empty for most models. */
  readonly examplePrompts: readonly string[];
  readonly isDefault: boolean;
  readonly architecture: ArchitectureDto | null;
  readonly sizeBytes: number;
  readonly fileName: string;
  /** Copied (uploaded) into the app's models folder: removing it deletes that copy. */
  readonly managedCopy: boolean;
  readonly addedAt: number;
}

// --------------------------------------------------------------------------- add-ons (issue 11)

/** What the bounded checker read from an add-on file's header and metadata (no weights). */
export type AddonInfoDto =
  | {
    readonly kind: 'lora';
    /** kohya, diffusers, peft, … (the key layout). */
    readonly layout: string;
    readonly modules: { readonly unet: number; readonly text: number };
    /** lora, locon, loha, lokr. */
    readonly adapters: readonly string[];
    readonly rank: number | null;
    /** `ss_base_model_version` or `modelspec.architecture` when the file says. */
    readonly baseModel: string | null;
    /** The family that says it was made for (metadata, or SDXL's key names); null when it does not say. */
    readonly madeFor: AddonBase | null;
    /** The most frequent training tags (`ss_tag_frequency`). */
    readonly triggerWords: readonly string[];
    readonly unknownKeys: number;
  }
  | {
    readonly kind: 'embedding'; readonly trigger: string; readonly vectors: number; readonly width: number;
    /** The family of its text-encoder width (768: SD 1.x, 1024: SD 2.x); null for another width. */
    readonly madeFor: ModelFamily | null;
  }
  | { readonly kind: 'vae'; readonly layout: string; readonly tensors: number };

/** A LoRA, textual-inversion embedding or VAE in the library. */
export interface AddonDto {
  readonly id: number;
  readonly kind: AddonKind;
  /** The file's name without `.safetensors`: what `<lora:name>` tags, embedding triggers and PNG hashes use. */
  readonly name: string;
  readonly fileName: string;
  /** A1111's short hash (LoRA: addnet 12 hex digits; embedding: SHA-256, 12; VAE: SHA-256, 10). */
  readonly hash: string;
  readonly info: AddonInfoDto;
  /** `NAME.preview.png` next to the file, as a small data URL; null when there is none. */
  readonly preview: string | null;
  readonly sizeBytes: number;
  /** Copied (uploaded) into the app's folder: removing it deletes that copy. */
  readonly managedCopy: boolean;
  readonly addedAt: number;
}

// ---------------------------------------------------------------------------------------------- settings

export interface SettingsDto {
  readonly executionProvider: ProviderChoice;
  /** null = all cores. */
  readonly cpuThreads: number | null;
  /** Where images are saved (the effective folder). */
  readonly outputDir: string;
  readonly outputDirIsDefault: boolean;
  readonly theme: Theme;
  /** The clip skip Generate starts at (issue 11). */
  readonly defaultClipSkip: number;
  /** The library VAE Generate starts with (issue 11); null = the model's own. */
  readonly defaultVaeId: number | null;
}

export interface SettingsPatch {
  executionProvider?: ProviderChoice;
  cpuThreads?: number | null;
  theme?: Theme;
  defaultClipSkip?: number;
  defaultVaeId?: number | null;
}

export interface ProviderAttemptDto { readonly provider: ProviderName; readonly ok: boolean; readonly reason: string }

export interface ProviderReportDto {
  readonly choice: ProviderChoice;
  /** Providers tried by the last detection, in preference order (CUDA → DirectML → WebGPU → CPU). */
  readonly candidates: readonly ProviderName[];
  /** The provider that runs, or null when none could start / nothing detected yet. */
  readonly selected: ProviderName | null;
  readonly attempts: readonly ProviderAttemptDto[];
  /** One line: "Running on CPU; CUDA unavailable (…)". */
  readonly summary: string;
  readonly detectedAt: number | null;
}

// ---------------------------------------------------------------------------------------------- system

export interface CapabilitiesDto {
  /** Native dialogs (import model, choose output folder). */
  readonly dialogs: boolean;
  readonly revealInFolder: boolean;
  readonly dragOut: boolean;
  /** Import by dropping a local file path (Electron). */
  readonly importByPath: boolean;
  /** Import by uploading the file's bytes (web mode). */
  readonly importByUpload: boolean;
}

export interface SystemInfoDto {
  readonly appVersion: string;
  readonly shell: 'electron' | 'web';
  readonly platform: string;
  readonly arch: string;
  readonly cpuCount: number;
  /** The execution providers this OS and build can have ('auto' first); the others are never offered. */
  readonly providerChoices: readonly ProviderChoice[];
  readonly databaseReadonly: boolean;
  readonly demoModelId: number;
  readonly capabilities: CapabilitiesDto;
}

// ---------------------------------------------------------------------------------------------- events

export type JobEvent =
  /** Any change of state (including enqueue, and 'done' with its result). */
  | { readonly type: 'job'; readonly job: JobDto }
  /** One UNet evaluation finished (high rate: do not store every one). */
  | { readonly type: 'progress'; readonly jobId: string; readonly progress: ProgressDto };

export interface ComparisonEvent { readonly comparison: ComparisonDto }

export type GalleryEvent =
  | { readonly type: 'added'; readonly generationIds: readonly number[] }
  | { readonly type: 'updated'; readonly generationIds: readonly number[] }
  | { readonly type: 'deleted'; readonly generationIds: readonly number[] }
  | { readonly type: 'restored'; readonly generationIds: readonly number[] };

/** Any change of the calibration run, progress included (a few per second at most). */
export interface CalibrationEvent { readonly run: CalibrationRunDto }

export interface ModelsEvent { readonly models: readonly ModelDto[] }
export interface SettingsEvent { readonly settings: SettingsDto }

// ---------------------------------------------------------------------------------------------- image-to-image
// Issue 9: input pictures and masks are stored in the library first (StudioApi.storeSourceImage, or
// images.sourceFromGeneration for a gallery image) and then named by id, so a gallery item keeps its source
// after the user's own file is gone.

/** A picture or mask kept in the library. */
export interface SourceImageDto {
  readonly id: number;
  readonly kind: SourceImageKind;
  readonly width: number;
  readonly height: number;
}

/** Pixels added on each side of the picture (outpainting). */
export interface OutpaintDto {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface SourceParamsDto {
  /** A SourceImageDto of kind 'image'. */
  imageId: number;
  /** A SourceImageDto of kind 'mask' with the image's size (white = repaint); null = image-to-image. */
  maskId: number | null;
  /** Denoising strength: how much is repainted, (0, 1]. */
  strength: number;
  resizeMode: ResizeMode;
  /** Mask edge blur, pixels. */
  maskBlur: number;
  maskedContent: MaskedContent;
  inpaintArea: InpaintArea;
  /** Pixels around the mask in only-masked mode. */
  padding: number;
  /** Extend the canvas (the new area is repainted, the size follows from the picture); null = no outpainting. */
  outpaint: OutpaintDto | null;
}

/** What an image's parameters say about image-to-image; `source` (and `maskId`) when the PNG is one of the library's. */
export interface Img2ImgSettingsDto {
  readonly strength: number;
  readonly resizeMode: ResizeMode | null;
  readonly maskBlur: number | null;
  readonly maskedContent: MaskedContent | null;
  readonly inpaintArea: InpaintArea | null;
  readonly padding: number | null;
  readonly source: SourceImageDto | null;
  readonly maskId: number | null;
  /** The outpaint margins, when the PNG is a library image that was outpainted (A1111's text does not carry them). */
  readonly outpaint: OutpaintDto | null;
}

/**
 * Hires fix (A1111's): generate at width × height, upscale by `scale` (hiresTargetSize), then image-to-image at
 * that size with its own steps and denoising strength. The acceleration applies to both passes.
 */
export interface HiresParamsDto {
  /** More than 1, at most IMG2IMG_LIMITS.maxHiresScale (A1111 `Hires upscale`). */
  scale: number;
  /** Steps of the second pass; 0 = the first pass's (A1111 `Hires steps`). */
  steps: number;
  /** Denoising strength of the second pass. */
  strength: number;
  upscaler: HiresUpscaler;
}
