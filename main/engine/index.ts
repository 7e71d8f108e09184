// The engine's public API: everything code outside main/engine may use (the linter enforces it). The host
// starts the engine off-thread and speaks the messages of engine-protocol.ts; model files are opened, parsed
// and turned into graphs only on the other side of that channel, never in the caller's process. What is
// exported besides the host is pure: types, the shared vocabulary, plan validation and small file helpers.
export {
  Engine, engineEnv, engineExecArgv, INSPECTION_LIMITS, spawnProcess, spawnThread,
  type CalibrationHooks, type EngineEnv, type EngineProcess, type EngineSpawner, type SpawnOptions,
} from './engine-host';
export { cpuThreadsProblem } from './runtime/cpu-threads';
export type {
  AddonHashes, AddonInfo, CalibrateRequest, GenerateRequest, GenerateResult, HostMessage, LoadStage, ModelInfo, PlanCost, PlanCostQuery,
  PlanSummary, RgbImage, StepReport,
  WorkerMessage,
} from './engine-protocol';
export { EngineError, toEngineError, type EngineErrorCode } from './errors';
export type { LoraChoice, LoraReport } from './weights/lora/apply-loras';
export { addonHashes } from './weights/addon-hash';
export { extractLoraTags, type LoraTag } from './weights/lora/prompt-tags';
export { resolveResources, type Resources } from './resources';
export { planAcceleration, type AccelMode, type AccelSettings } from './accel/plan';
export { evaluationCount } from './schedulers/index';
export { candidateProviders, describeSelection, type ProviderSelection } from './runtime/provider-choice';
export { PICKLE_EXTENSIONS, pickleRefusal } from './weights/pickle-refusal';
export { randomSeed } from './pipeline/rng';
export { readNpy, writeNpy } from './util/npy';
export {
  HIRES_UPSCALER_LABELS, HIRES_UPSCALERS, hiresSize, MASKED_CONTENTS,
  type HiresSettings, type HiresUpscaler, type MaskedContent,
} from './pipeline/img2img-options';
export type { InitImage } from './pipeline/img2img';
export { compositeByMask } from './pipeline/inpaint-mask';
export { chooseFrontPoint, DEFAULT_TARGET_SPEEDUP, frontPointSettings, nearestCalibration } from './accel/calibrated-choice';
export { SHIPPED_DEMO_CALIBRATION } from './accel/shipped-calibration';
export { demoGrammarPrompts, GENERAL_CALIBRATION_PROMPTS } from './accel/calibration-prompts';
export type { CalibratedPoint, CalibrationResult, CalibrationState, PlainPoint } from './pipeline/calibrate';
export {
  ACCEL_MODES, PREDICTIONS, PROVIDER_CHOICES, SAMPLER_NAMES, type Prediction, type ProviderChoice, type ProviderName, type SamplerName, type StepKind,
} from '../../preload/contract/vocabulary';
