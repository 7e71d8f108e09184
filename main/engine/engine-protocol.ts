// The engine's API as messages, so it can run in a worker thread (CLI, tests), a child process (web mode)
// or an Electron utilityProcess (the app) with the same code on both sides.
import type { AccelSettings } from './accel/plan';
import type { EngineErrorCode } from './errors';
import type { RgbImage } from './pipeline/latent-preview';
import type { HiresSettings } from './pipeline/img2img-options';
import type { CalibrationParams, CalibrationProgress, CalibrationResult, CalibrationState } from './pipeline/calibrate';
import type { InitImage } from './pipeline/img2img';
import type { Img2ImgStart } from './pipeline/img2img-start';
import type { StepReport, Txt2ImgParams, Txt2ImgResult } from './pipeline/txt2img';
import type { ProviderChoice, ProviderSelection } from './runtime/provider-choice';
import type { Prediction, SamplerName, StepKind } from '../../preload/contract/vocabulary';
import type { ModelFamily } from './weights/detect';
import type { PredictionHint } from './models/prediction-hint';
import type { LoraChoice, LoraReport } from './weights/lora/apply-loras';
import type { AddonInfo } from './weights/addon-file';
import type { AddonHashes } from './weights/addon-hash';

/** A generation as the caller asks for it: the pipeline's parameters with acceleration as settings. */
export interface GenerateRequest extends Omit<Txt2ImgParams, 'accel' | 'start'> {
  readonly modelPath: string;
  readonly provider: ProviderChoice;
  /** CPU threads (default: all cores). */
  readonly threads?: number;
  /** A preset or custom schedule; turned into a per-evaluation plan by the engine. */
  readonly accel: AccelSettings;
  /** Overrides the detected eps/v prediction of the model. */
  readonly prediction?: Prediction;
  /** LoRAs merged into the model for this generation (`<lora:name:w>` tags in the prompt add to these). */
  readonly loras?: readonly LoraChoice[];
  /** Folders where `<lora:name>` tags find `name.safetensors`. */
  readonly loraDirs?: readonly string[];
  /** A VAE .safetensors (LDM or diffusers keys) to decode with instead of the checkpoint's. */
  readonly vae?: string;
  /** Textual-inversion embedding files; each is used where its file name appears in a prompt. */
  readonly embeddings?: readonly string[];
  /** Image-to-image / inpainting: the input (already at width × height), strength and mask. */
  readonly init?: InitImage;
  /** A second pass at a larger size (A1111's hires fix); not with `init`. */
  readonly hires?: HiresSettings;
}

export interface PlanSummary {
  readonly mode: AccelSettings['mode'];
  /** `F,S,K,…` one letter per UNet evaluation. */
  readonly schedule: string;
  readonly counts: Readonly<Record<StepKind, number>>;
  readonly pruneRatios: readonly number[];
  readonly gamma: number;
  readonly alpha: number;
  readonly flip: number;
}

export interface GenerateResult extends Omit<Txt2ImgResult, 'steps'> {
  readonly steps: readonly Omit<StepReport, 'preview'>[];
  /** What each LoRA of the generation matched (unmatched modules: count and examples). */
  readonly loras: readonly LoraReport[];
  /** Short hashes of the LoRAs, used embeddings and VAE, for A1111's `Lora hashes` / `TI hashes` / `VAE hash`. */
  readonly addons: AddonHashes;
  readonly plan: PlanSummary;
  readonly provider: ProviderSelection;
  /** Image-to-image: the steps of the schedule that ran (the plan covers exactly those). */
  readonly img2img?: Img2ImgStart;
  /** Hires fix: the final size, the second pass's steps and plan (images and latents are the second pass's). */
  readonly hires?: {
    readonly width: number; readonly height: number; readonly start: Img2ImgStart; readonly plan: PlanSummary;
    readonly firstPassSeconds: number;
  };
}

export interface ModelInfo {
  readonly path: string;
  readonly kind: 'single-file' | 'diffusers';
  readonly family: ModelFamily;
  /** eps or v, and where that came from (prediction-hint.ts). */
  readonly prediction: PredictionHint;
  readonly parameters: { readonly unet: number; readonly text: number; readonly vae: number };
  readonly unet: { readonly modelChannels: number; readonly levels: number; readonly contextDim: number };
  readonly text: { readonly width: number; readonly layers: number };
  readonly nativeSize: number;
  readonly sizeBytes: number;
  /** How the model's files were read, when the user should know (e.g. a config.json that was ignored). */
  readonly notices: readonly string[];
  /** Prompts in the caption grammar the model was trained on (empty when its files do not ship one). */
  readonly examplePrompts: readonly string[];
}

/** What an acceleration plan costs before it runs: answered from the checkpoint's header and the graphs. */
export interface PlanCostQuery {
  readonly modelPath: string;
  readonly accel: AccelSettings;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly width: number;
  readonly height: number;
}

export interface PlanCost {
  /** UNet evaluations (PLMS runs one more than its steps). */
  readonly evaluations: number;
  /** `F,S,K,…` one letter per evaluation. */
  readonly schedule: string;
  readonly counts: Readonly<Record<StepKind, number>>;
  /** Estimated multiply-accumulates relative to the baseline (DaTo's own selection work included). */
  readonly macFraction: number;
  /** 1 / macFraction: the speed-up the arithmetic allows. */
  readonly idealSpeedup: number;
  /** Distinct prune ratios of the plan (0 = none). */
  readonly pruneRatios: readonly number[];
  /** Multiply-accumulates of one full (baseline) evaluation at this size. */
  readonly fullMacs: number;
}

/**
 * What the engine is doing before a job's first step, when that takes time: the first load of a model
 * (provider probe, header, fp32 weight copies, tokenizer) and the first use of each graph (build, session).
 */
export interface LoadStage {
  readonly stage: 'provider' | 'header' | 'weights' | 'tokenizer' | 'graph' | 'session';
  /** One line for the user: "Building the graph: UNet head" (load-stages.ts). */
  readonly label: string;
}

/** A schedule calibration (pipeline/calibrate.ts) on one model; `resume` continues a stopped run. */
export interface CalibrateRequest extends CalibrationParams {
  readonly modelPath: string;
  readonly provider: ProviderChoice;
  readonly threads?: number;
  readonly resume?: CalibrationState;
}

export interface SerializedError { readonly code: EngineErrorCode; readonly message: string; readonly detail?: string }

export type HostMessage =
  | { readonly type: 'generate'; readonly id: number; readonly request: GenerateRequest }
  | { readonly type: 'inspect'; readonly id: number; readonly path: string }
  | { readonly type: 'inspect-addon'; readonly id: number; readonly path: string }
  | { readonly type: 'plan-cost'; readonly id: number; readonly query: PlanCostQuery }
  | { readonly type: 'calibrate'; readonly id: number; readonly request: CalibrateRequest }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'shutdown' };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly id: number; readonly step: StepReport }
  | { readonly type: 'stage'; readonly id: number; readonly stage: LoadStage }
  | { readonly type: 'generated'; readonly id: number; readonly result: GenerateResult }
  | { readonly type: 'inspected'; readonly id: number; readonly info: ModelInfo }
  /** null: the file holds a UNet (a checkpoint, for `inspect`) or nothing an add-on has. */
  | { readonly type: 'addon-inspected'; readonly id: number; readonly info: AddonInfo | null }
  | { readonly type: 'plan-costed'; readonly id: number; readonly cost: PlanCost }
  | { readonly type: 'calibration-progress'; readonly id: number; readonly progress: CalibrationProgress }
  /** After every measured candidate: what the caller stores so that a stopped run can resume. */
  | { readonly type: 'calibration-state'; readonly id: number; readonly state: CalibrationState }
  | { readonly type: 'calibrated'; readonly id: number; readonly result: CalibrationResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'log'; readonly message: string };

export type { AddonHashes, AddonInfo, RgbImage, StepReport };
