// Runtime schemas for every argument the UI can send (G-05: parameters validated in main before enqueue).
// The bounds are vocabulary.ts's LIMITS, which the UI and the engine use too.
import {
  THEMES,
  type AccelDto, type CompareParams, type LoraUseDto, type GalleryQueryDto, type GenerateParams, type PlanCostParams, type SeedChoice, type SettingsPatch,
  type HiresParamsDto, type SourceParamsDto,
} from './dto';
import type { CalibrateParams, ExpectedQualityParams, SavePresetParams } from './dto';
import {
  arrayOf, bool, bytes, int, nullable, num, object, oneOf, optional, refine, str, tagged, type Schema,
} from './schema';
import { ACCEL_MODES, ADDON_KINDS, LIMITS, PROVIDER_CHOICES, SAMPLER_NAMES, SCHEDULE_PATTERN } from './vocabulary';
import { HIRES_UPSCALERS, hiresTargetSize, IMG2IMG_LIMITS, INPAINT_AREAS, MASKED_CONTENTS, RESIZE_MODES, SOURCE_IMAGE_KINDS } from './vocabulary';

const id = int(1, Number.MAX_SAFE_INTEGER);
const jobId = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });

export const accelSchema: Schema<AccelDto> = refine(
  object({
    mode: oneOf(ACCEL_MODES),
    schedule: optional(str({ min: 1, max: LIMITS.maxScheduleChars, pattern: SCHEDULE_PATTERN })),
    cacheInterval: optional(int(1, 50)),
    pruneRatio: optional(num(0, LIMITS.maxPruneRatio - 1e-9)),
    gamma: optional(num(-10, 10)),
    alpha: optional(num(0, 10)),
    flip: optional(num(0, 1)),
    adaptiveThreshold: optional(num(LIMITS.minAdaptiveThreshold, LIMITS.maxAdaptiveThreshold)),
  }),
  (a) => (a.mode === 'custom' && a.schedule === undefined ? 'the custom mode needs a schedule (F, S, K letters)' : null),
);

const seedSchema: Schema<SeedChoice> = tagged<SeedChoice>('mode', {
  random: object({ mode: oneOf(['random']) }),
  fixed: object({ mode: oneOf(['fixed']), value: int(0, LIMITS.maxSeed) }),
  'reuse-last': object({ mode: oneOf(['reuse-last']) }),
});

const side = int(LIMITS.minSide, LIMITS.maxSide, 8);
const sizeRule = (p: { width: number; height: number }): string | null =>
  (p.width * p.height > LIMITS.maxPixels ? `${p.width}×${p.height} is more than ${LIMITS.maxPixels} pixels` : null);

const baseFields = {
  modelId: nullable(id),
  prompt: str({ max: LIMITS.promptChars }),
  negativePrompt: str({ max: LIMITS.promptChars }),
  sampler: oneOf(SAMPLER_NAMES),
  steps: int(LIMITS.minSteps, LIMITS.maxSteps),
  cfg: num(0, LIMITS.maxCfg),
  width: side,
  height: side,
  seed: seedSchema,
};

// add-ons (issue 11)
const loraWeight = num(-LIMITS.maxLoraWeight, LIMITS.maxLoraWeight);
const loraUseSchema: Schema<LoraUseDto> = object({ addonId: id, unet: loraWeight, text: loraWeight });
const addonFields = {
  loras: optional(arrayOf(loraUseSchema, { max: LIMITS.maxLoras })),
  vaeId: optional(nullable(id)),
  clipSkip: optional(int(1, LIMITS.maxClipSkip)),
};

// Image-to-image (issue 9) -------------------------------------------------------------------------------
const margin = int(0, IMG2IMG_LIMITS.maxOutpaint);
const strength = num(IMG2IMG_LIMITS.minStrength, IMG2IMG_LIMITS.maxStrength);
export const sourceParamsSchema: Schema<SourceParamsDto> = refine(
  object({
    imageId: id,
    maskId: nullable(id),
    strength,
    resizeMode: oneOf(RESIZE_MODES),
    maskBlur: int(0, IMG2IMG_LIMITS.maxMaskBlur),
    maskedContent: oneOf(MASKED_CONTENTS),
    inpaintArea: oneOf(INPAINT_AREAS),
    padding: int(0, IMG2IMG_LIMITS.maxInpaintPadding),
    outpaint: nullable(refine(object({ left: margin, right: margin, top: margin, bottom: margin }),
      (o) => (o.left + o.right + o.top + o.bottom === 0 ? 'outpainting needs at least one side to extend' : null))),
  }),
  (p) => (p.outpaint && p.maskId !== null ? 'outpainting paints the new area: it takes no mask' : null),
);
const sourceFileSchema = object({ bytes: bytes({ min: 1, max: IMG2IMG_LIMITS.maxSourceBytes }), kind: oneOf(SOURCE_IMAGE_KINDS) });

// Hires fix (issue 9): the second pass's settings; its target size must fit the same bounds as any size
export const hiresParamsSchema: Schema<HiresParamsDto> = object({
  scale: refine(num(1, IMG2IMG_LIMITS.maxHiresScale), (s) => (s > 1 ? null : 'must be more than 1')),
  steps: int(0, LIMITS.maxSteps),
  strength,
  upscaler: oneOf(HIRES_UPSCALERS),
});
const hiresRule = (p: { width: number; height: number; hires?: HiresParamsDto }): string | null => {
  if (!p.hires) return null;
  const target = hiresTargetSize(p.width, p.height, p.hires.scale);
  return target.width > LIMITS.maxSide || target.height > LIMITS.maxSide || target.width * target.height > LIMITS.maxPixels
    ? `hires fix to ${target.width}×${target.height} is more than ${LIMITS.maxSide} pixels a side or ${LIMITS.maxPixels} pixels in all`
    : null;
};

export const generateParamsSchema: Schema<GenerateParams> = refine(
  object({
    ...baseFields, accel: accelSchema, batchCount: int(1, LIMITS.maxBatchCount), ...addonFields, source: optional(sourceParamsSchema),
    hires: optional(hiresParamsSchema),
  }),
  (p) => sizeRule(p) ?? hiresRule(p)
    ?? (p.source && p.hires ? 'hires fix is a second pass for text-to-image: run image-to-image at the larger size instead' : null),
);

export const planCostSchema: Schema<PlanCostParams> = refine(
  object({
    modelId: nullable(id), accel: accelSchema, sampler: oneOf(SAMPLER_NAMES), steps: int(LIMITS.minSteps, LIMITS.maxSteps), width: side, height: side,
    hires: optional(hiresParamsSchema),
  }),
  (p) => sizeRule(p) ?? hiresRule(p),
);

export const savePresetSchema: Schema<SavePresetParams> = object({
  name: str({ min: 1, max: LIMITS.maxPresetNameChars, pattern: /\S/ }),
  accel: accelSchema,
});

const samplingFields = {
  modelId: nullable(id), sampler: oneOf(SAMPLER_NAMES), steps: int(LIMITS.minSteps, LIMITS.maxSteps), cfg: num(0, LIMITS.maxCfg), width: side, height: side,
};

export const expectedQualitySchema: Schema<ExpectedQualityParams> = refine(object({ ...samplingFields, accel: accelSchema }), sizeRule);

export const calibrateParamsSchema: Schema<CalibrateParams> = refine(
  object({ ...samplingFields, minutes: num(LIMITS.minCalibrationMinutes, LIMITS.maxCalibrationMinutes) }),
  sizeRule,
);

export const compareParamsSchema: Schema<CompareParams> = object({
  params: refine(object(baseFields), sizeRule),
  variants: arrayOf(accelSchema, { min: 1, max: LIMITS.maxCompareVariants }),
});

export const galleryQuerySchema: Schema<GalleryQueryDto> = object({
  search: optional(str({ max: LIMITS.maxSearchChars })),
  modelId: optional(id),
  mode: optional(oneOf(ACCEL_MODES)),
  favouritesOnly: optional(bool),
  from: optional(int(0, 8.64e15)),
  to: optional(int(0, 8.64e15)),
  cursor: optional(str({ max: 40, pattern: /^\d{1,16}\.\d{1,16}$/ })),
  limit: int(1, LIMITS.maxGalleryPage),
});

export const settingsPatchSchema: Schema<SettingsPatch> = object({
  executionProvider: optional(oneOf(PROVIDER_CHOICES)),
  cpuThreads: optional(nullable(int(1, LIMITS.maxCpuThreads))),
  theme: optional(oneOf(THEMES)),
  defaultClipSkip: optional(int(1, LIMITS.maxClipSkip)),
  defaultVaeId: optional(nullable(id)),
});

export const schemas = {
  id,
  jobId,
  calibrationRunId: jobId,
  ids: arrayOf(id, { min: 1, max: LIMITS.maxIdsPerCall }),
  modelName: str({ min: 1, max: LIMITS.maxModelNameChars }),
  /** Only from a drag-and-drop in the Electron window (preload turns the File into its path). */
  absolutePath: str({ min: 1, max: LIMITS.maxPathChars, pattern: /^(\/|[A-Za-z]:[\\/]|\\\\)/ }),
  bool,
  recentLimit: int(1, 200),
  search: str({ max: LIMITS.maxSearchChars }),
  importKind: oneOf(['file', 'folder'] as const),
  sampler: baseFields.sampler,
  steps: baseFields.steps,
  addonKind: oneOf(ADDON_KINDS),
  /** Image-to-image (issue 9): a picture or mask's bytes (Electron only; web mode uploads over HTTP). */
  sourceFile: sourceFileSchema,
};
