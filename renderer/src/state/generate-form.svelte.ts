// The Generate form: every field of GenerateParams, the presets and per-model defaults it is filled from,
// and its validation. "Reuse parameters" from the gallery fills it through apply().
import {
  fieldProblem, hiresTargetSize, LIMITS,
  type AccelDto, type GenerateParams, type GenerationDefaults, type HiresParamsDto, type HiresUpscaler, type ImageParametersDto, type LoraUseDto,
  type SamplerName, type SeedChoice, type StudioApi,
} from '../../../preload/contract';
import { int, num } from '../../../preload/contract/schema';
import { hiresParamsSchema } from '../../../preload/contract/validators';
import { errorMessage } from '../lib/error-message';
import { normaliseSchedule, scheduleError } from '../lib/schedule-letters';
import { sizeError } from '../lib/sizes';
import type { PresetsState } from './presets.svelte';

export type SeedMode = SeedChoice['mode'];

/** The fields a model's defaults fill in. */
const MODEL_DEFAULT_FIELDS = ['sampler', 'steps', 'cfg', 'width', 'height'] as const;
type ModelDefaults = Pick<GenerationDefaults, (typeof MODEL_DEFAULT_FIELDS)[number]>;
/** A preset's id, or the Custom schedule. */
export type PresetChoice = number | 'custom';

const DEFAULT_CUSTOM_SCHEDULE = 'F,S,S,F,S,K';
const DEFAULT_CUSTOM_PRUNE = 0.3;

function sameAccel(a: AccelDto, b: AccelDto): boolean {
  const keys = ['mode', 'schedule', 'cacheInterval', 'pruneRatio', 'gamma', 'alpha', 'flip'] as const;
  return keys.every((k) => a[k] === b[k]);
}

export class GenerateForm {
  modelId = $state<number | null>(null);
  prompt = $state('');
  negativePrompt = $state('');
  preset = $state<PresetChoice>('custom');
  customSchedule = $state(DEFAULT_CUSTOM_SCHEDULE);
  customPruneRatio = $state(DEFAULT_CUSTOM_PRUNE);
  sampler = $state<SamplerName>('ddim');
  steps = $state(30);
  cfg = $state(7.5);
  width = $state(512);
  height = $state(512);
  seedMode = $state<SeedMode>('random');
  seedValue = $state(0);
  batchCount = $state(1);
  // --- add-ons (issue 11): library LoRAs with their weights, the VAE (null: the model's own) and clip skip
  loras = $state<LoraUseDto[]>([]);
  vaeId = $state<number | null>(null);
  clipSkip = $state(1);
  // --- hires fix (issue 9; Generate only): A1111's defaults, off until the user turns it on
  hiresEnabled = $state(false);
  hiresScale = $state(2);
  hiresSteps = $state(0);
  hiresStrength = $state(0.7);
  hiresUpscaler = $state<HiresUpscaler>('latent');

  /** The Calibrated preset has no calibration for these settings (set by Generate's expected-quality line). */
  uncalibrated = $state(false);

  defaults = $state.raw<GenerationDefaults | null>(null);
  loadError = $state<string | null>(null);
  /** The model defaults last filled in: a field still equal to its default was not changed by the user. */
  #filled: ModelDefaults | null = null;

  accel: AccelDto = $derived.by(() => {
    if (this.preset === 'custom') {
      return { mode: 'custom', schedule: normaliseSchedule(this.customSchedule), pruneRatio: this.customPruneRatio };
    }
    const id = this.preset;
    return this.presets.byId(id)?.accel ?? { mode: 'baseline' };
  });

  /** A Steps or CFG value the contract refuses, in its words; shown under that field (SamplingFields). */
  fieldProblem: string | null = $derived(
    fieldProblem(int(LIMITS.minSteps, LIMITS.maxSteps), this.steps, 'steps') ?? fieldProblem(num(0, LIMITS.maxCfg), this.cfg, 'cfg'),
  );

  /** Hires fix's settings when it is on (what toParams sends and the plan cost shows). */
  hires: HiresParamsDto | undefined = $derived(this.hiresEnabled
    ? { scale: this.hiresScale, steps: this.hiresSteps, strength: this.hiresStrength, upscaler: this.hiresUpscaler }
    : undefined);

  /** Hires fix's target size (shown live next to the factor). */
  hiresTarget = $derived(hiresTargetSize(this.width, this.height, this.hiresScale));

  /** What the contract refuses in the hires settings (null when off or fine); only Generate runs hires fix. */
  hiresProblem: string | null = $derived.by(() => {
    if (!this.hires) return null;
    const problem = fieldProblem(hiresParamsSchema, this.hires, 'hires') ?? sizeError(this.hiresTarget.width, this.hiresTarget.height);
    return problem && `Hires fix: ${problem}`;
  });

  /** The first problem that stops a run, or null. */
  problem: string | null = $derived.by(() => {
    if (this.fieldProblem) return this.fieldProblem;
    // until the model's defaults are in, the form holds placeholders (512 px for a 128 px model)
    if (this.defaults === null && this.loadError === null) return 'Loading the model’s defaults…';
    const size = sizeError(this.width, this.height);
    if (size) return size;
    if (!Number.isInteger(this.batchCount) || this.batchCount < 1 || this.batchCount > LIMITS.maxBatchCount) {
      return `Batch count must be from 1 to ${LIMITS.maxBatchCount}.`;
    }
    if (this.seedMode === 'fixed' && !(Number.isInteger(this.seedValue) && this.seedValue >= 0 && this.seedValue <= LIMITS.maxSeed)) {
      return `The seed must be a whole number from 0 to ${LIMITS.maxSeed}.`;
    }
    if (this.preset === 'custom') {
      const schedule = scheduleError(this.customSchedule);
      if (schedule) return schedule;
      if (!(this.customPruneRatio >= 0 && this.customPruneRatio < LIMITS.maxPruneRatio)) {
        return `The prune ratio must be at least 0 and below ${LIMITS.maxPruneRatio}.`;
      }
    }
    if (this.prompt.length > LIMITS.promptChars) return `The prompt is longer than ${LIMITS.promptChars} characters.`;
    if (this.uncalibrated) return 'No calibration for these settings: calibrate them, or pick another preset.';
    return null;
  });

  constructor(private readonly api: StudioApi, private readonly presets: PresetsState) {}

  /** Fill in the default model's defaults and the first preset (call after presets.load()). */
  async load(): Promise<void> {
    try {
      const first = this.presets.list[0];
      if (this.preset === 'custom' && first) this.preset = first.id;
      const defaults = await this.api.generation.defaults({ modelId: this.modelId });
      this.defaults = defaults;
      this.#fill(defaults, false);
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  /**
   * A different model: its defaults (sampler, steps, CFG, native size) replace the previous model's, except
   * in the fields the user changed since they were filled in.
   */
  async selectModel(modelId: number | null): Promise<void> {
    this.modelId = modelId;
    try {
      const defaults = await this.api.generation.defaults({ modelId });
      this.defaults = defaults;
      this.#fill(defaults, true);
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  #fill(defaults: ModelDefaults, keepUserChanges: boolean): void {
    const previous = this.#filled;
    const next: Record<string, unknown> = {};
    for (const field of MODEL_DEFAULT_FIELDS) {
      const untouched = !keepUserChanges || previous === null || this[field] === previous[field];
      if (untouched) (this as Record<(typeof MODEL_DEFAULT_FIELDS)[number], unknown>)[field] = defaults[field];
      next[field] = defaults[field];
    }
    this.#filled = next as ModelDefaults;
  }

  /** Last seed the app used (for "reuse last" and the recycle button). */
  async refreshLastSeed(): Promise<void> {
    try {
      this.defaults = await this.api.generation.defaults({ modelId: this.modelId });
    } catch {
      // Not worth interrupting the user: the recycle button just stays disabled.
    }
  }

  setSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  fixSeed(value: number): void {
    this.seedMode = 'fixed';
    this.seedValue = value;
  }

  seedChoice(): SeedChoice {
    if (this.seedMode === 'fixed') return { mode: 'fixed', value: this.seedValue };
    return { mode: this.seedMode };
  }

  /** The form as a request; Img2img / Inpaint leaves hires fix out (a second pass of text-to-image only). */
  toParams(mode: 'txt2img' | 'img2img' = 'txt2img'): GenerateParams {
    const hires = mode === 'txt2img' ? this.hires : undefined;
    return {
      modelId: this.modelId,
      prompt: this.prompt,
      negativePrompt: this.negativePrompt,
      accel: $state.snapshot(this.accel),
      sampler: this.sampler,
      steps: this.steps,
      cfg: this.cfg,
      width: this.width,
      height: this.height,
      seed: this.seedChoice(),
      batchCount: this.batchCount,
      ...(this.loras.length ? { loras: $state.snapshot(this.loras) } : {}),
      ...(this.vaeId !== null ? { vaeId: this.vaeId } : {}),
      ...(this.clipSkip !== 1 ? { clipSkip: this.clipSkip } : {}),
      ...(hires ? { hires: { ...hires } } : {}),
    };
  }

  /** Hires fix as a stored generation or an image names it (off when it names none). */
  applyHires(h: HiresParamsDto | undefined): void {
    this.hiresEnabled = h !== undefined;
    if (!h) return;
    this.hiresScale = h.scale;
    this.hiresSteps = h.steps;
    this.hiresStrength = h.strength;
    this.hiresUpscaler = h.upscaler;
  }

  // --- add-ons (issue 11)
  addLora(addonId: number): void {
    if (!this.loras.some((l) => l.addonId === addonId)) this.loras.push({ addonId, unet: 1, text: 1 });
  }

  removeLora(addonId: number): void {
    this.loras = this.loras.filter((l) => l.addonId !== addonId);
  }

  /** Fill the add-ons a stored generation or an image names (those found in the library). */
  applyAddons(a: { loras?: readonly LoraUseDto[] | undefined; vaeId?: number | null | undefined; clipSkip?: number | null | undefined }): void {
    this.loras = (a.loras ?? []).map((l) => ({ ...l }));
    this.vaeId = a.vaeId ?? null;
    this.clipSkip = a.clipSkip ?? 1;
  }

  /** Fill the form from stored parameters ("Reuse parameters"). */
  apply(params: GenerateParams): void {
    this.modelId = params.modelId;
    this.prompt = params.prompt;
    this.negativePrompt = params.negativePrompt;
    this.sampler = params.sampler;
    this.steps = params.steps;
    this.cfg = params.cfg;
    this.width = params.width;
    this.height = params.height;
    this.batchCount = params.batchCount;
    this.seedMode = params.seed.mode;
    if (params.seed.mode === 'fixed') this.seedValue = params.seed.value;
    this.#applyAccel(params.accel);
    this.applyAddons(params);
    this.applyHires(params.hires);
    void this.api.generation.defaults({ modelId: params.modelId }).then((d) => { this.defaults = d; }, () => undefined);
  }

  /**
   * Fill what a dropped image says (null fields keep the form's value); `modelId` when its model is in the
   * library. Returns the names of the fields that were set, for the confirmation message.
   */
  applyImageParameters(p: ImageParametersDto, modelId: number | undefined): string[] {
    const set: string[] = [];
    const take = <T>(value: T | null, name: string, assign: (v: T) => void): void => {
      if (value === null) return;
      assign(value);
      set.push(name);
    };
    take(p.prompt, 'prompt', (v) => (this.prompt = v));
    take(p.negativePrompt, 'negative prompt', (v) => (this.negativePrompt = v));
    take(p.sampler, 'sampler', (v) => (this.sampler = v));
    take(p.steps, 'steps', (v) => (this.steps = v));
    take(p.cfg, 'CFG', (v) => (this.cfg = v));
    take(p.seed, 'seed', (v) => this.fixSeed(v));
    if (p.width !== null && p.height !== null) take(p.width, 'size', (w) => this.setSize(w, p.height!));
    take(p.accel, 'acceleration', (accel) => this.#applyAccel(accel));
    this.applyHires(p.hires);
    if (p.hires) set.push('hires fix');
    if (modelId !== undefined && modelId !== this.modelId) {
      const { width, height } = this;
      void this.selectModel(modelId).then(() => this.setSize(width, height));
      set.push('model');
    }
    return set;
  }

  #applyAccel(accel: AccelDto): void {
    const presets = this.presets.list;
    const match = presets.find((p) => sameAccel(p.accel, accel))
      ?? (accel.mode === 'custom' ? undefined : presets.find((p) => p.accel.mode === accel.mode));
    if (match) {
      this.preset = match.id;
    } else {
      this.preset = 'custom';
      this.customSchedule = accel.schedule ?? DEFAULT_CUSTOM_SCHEDULE;
      this.customPruneRatio = accel.pruneRatio ?? 0;
    }
  }
}
