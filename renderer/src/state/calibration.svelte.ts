// Calibrate: the panel's model and settings (prefilled from the Generate form, or that model's defaults), the
// one calibration run the app allows at a time (fed by onCalibrationEvent), the model's stored calibrations
// and the front being viewed, and saving a front point as a preset.
import {
  LIMITS,
  type CalibrateParams, type CalibrationDto, type CalibrationRunDto, type FrontPointDto, type PlainPointDto, type PresetDto, type SamplerName,
  type StudioApi,
} from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import type { GenerateForm } from './generate-form.svelte';
import type { PresetsState } from './presets.svelte';

/** The CLI's default budget. */
const DEFAULT_MINUTES = 10;

/** A front point's preset name: its speed-up and fidelity ("4.1×, 31 dB"). */
export function pointName(p: FrontPointDto): string {
  return `${p.macSpeedup.toFixed(1)}×, ${p.psnr.toFixed(0)} dB`;
}

/**
 * The plain sampler run a front point is judged against: the fastest measured plain step count that costs at
 * least as much as the point (its speed-up ≤ the point's; ⌈steps / speed-up⌉ steps when that was measured).
 */
export function plainAtSameCost(plain: readonly PlainPointDto[], point: FrontPointDto): PlainPointDto | null {
  let best: PlainPointDto | null = null;
  for (const p of plain) if (p.macSpeedup <= point.macSpeedup + 1e-9 && (!best || p.macSpeedup > best.macSpeedup)) best = p;
  return best;
}

/** A front point's identity (its schedule, or the adaptive rule's threshold, and prune ratio). */
export function pointKey(p: FrontPointDto): string {
  return `${p.schedule}|${p.adaptiveThreshold ?? ''}|${p.pruneRatio}`;
}

/** What a preset made from a front point runs: exactly that schedule (or adaptive threshold) and prune ratio. */
export function pointAccel(p: FrontPointDto): PresetDto['accel'] {
  return p.adaptiveThreshold !== undefined
    ? { mode: 'calibrated', adaptiveThreshold: p.adaptiveThreshold, pruneRatio: p.pruneRatio }
    : { mode: 'calibrated', schedule: p.schedule, pruneRatio: p.pruneRatio };
}

export class CalibrationState {
  /** The model the panel is open for (null: closed). */
  modelId = $state<number | null>(null);
  open = $state(false);
  sampler = $state<SamplerName>('ddim');
  steps = $state(30);
  cfg = $state(5);
  width = $state(128);
  height = $state(128);
  minutes = $state(DEFAULT_MINUTES);

  /** The running calibration, or the last one to finish. */
  run = $state.raw<CalibrationRunDto | null>(null);
  /** The open model's stored calibrations, newest first. */
  past = $state.raw<readonly CalibrationDto[]>([]);
  /** The calibration whose front is drawn. */
  viewing = $state.raw<CalibrationDto | null>(null);
  error = $state<string | null>(null);
  starting = $state(false);
  /** The model whose settings the fields hold. */
  #filledFor: number | null = null;

  running = $derived(this.run?.state === 'running');

  problem: string | null = $derived.by(() => {
    if (!(Number.isInteger(this.steps) && this.steps >= LIMITS.minSteps && this.steps <= LIMITS.maxSteps)) {
      return `Steps must be a whole number from ${LIMITS.minSteps} to ${LIMITS.maxSteps}.`;
    }
    if (!(this.cfg >= 0 && this.cfg <= LIMITS.maxCfg)) return `CFG must be from 0 to ${LIMITS.maxCfg}.`;
    for (const side of [this.width, this.height]) {
      if (!(Number.isInteger(side) && side % 8 === 0 && side >= LIMITS.minSide && side <= LIMITS.maxSide)) {
        return `Width and height must be multiples of 8 from ${LIMITS.minSide} to ${LIMITS.maxSide}.`;
      }
    }
    if (!(this.minutes >= LIMITS.minCalibrationMinutes && this.minutes <= LIMITS.maxCalibrationMinutes)) {
      return `The time budget must be from ${LIMITS.minCalibrationMinutes} to ${LIMITS.maxCalibrationMinutes} minutes.`;
    }
    return null;
  });

  constructor(private readonly api: StudioApi, private readonly form: GenerateForm, private readonly presets: PresetsState) {
    api.onCalibrationEvent(({ run }) => this.#accept(run));
  }

  /** A calibration already running (the app was reloaded, or another window started it). */
  async load(): Promise<void> {
    try {
      this.#acceptCurrent(await this.api.calibration.current());
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /**
   * Open the panel for a model. Its settings: the Generate form's sampler, steps, CFG and size when the form
   * is on that model (else the model's defaults) — on first opening for a model, or always with `fromForm`
   * (Generate's offer to calibrate its settings); reopened for the same model, what the user set stays.
   */
  async openFor(modelId: number | null, fromForm = false): Promise<void> {
    this.error = null;
    this.modelId = modelId;
    this.open = true;
    try {
      const defaults = await this.api.generation.defaults({ modelId });
      this.modelId = defaults.modelId;
      if (fromForm || this.#filledFor !== defaults.modelId) {
        const source = (this.form.defaults?.modelId ?? this.form.modelId) === defaults.modelId ? this.form : defaults;
        this.sampler = source.sampler;
        this.steps = source.steps;
        this.cfg = source.cfg;
        this.width = source.width;
        this.height = source.height;
        this.#filledFor = defaults.modelId;
      }
      this.#acceptCurrent(await this.api.calibration.current());
      await this.#loadPast();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  close(): void {
    this.open = false;
  }

  params(): CalibrateParams {
    return { modelId: this.modelId, sampler: this.sampler, steps: this.steps, cfg: this.cfg, width: this.width, height: this.height, minutes: this.minutes };
  }

  async start(): Promise<void> {
    if (this.problem || this.starting) return;
    this.starting = true;
    this.error = null;
    try {
      this.run = await this.api.calibration.start(this.params());
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.run) return;
    try {
      await this.api.calibration.cancel({ runId: this.run.id });
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  view(calibration: CalibrationDto): void {
    this.viewing = calibration;
  }

  /** Save a front point as a user preset; returns it (the Generate form's preset list then has it). */
  async savePoint(point: FrontPointDto, name: string): Promise<PresetDto | null> {
    this.error = null;
    try {
      const preset = await this.api.generation.savePreset({ name: name.trim(), accel: pointAccel(point) });
      await this.presets.load();
      return preset;
    } catch (error) {
      this.error = errorMessage(error);
      return null;
    }
  }

  #acceptCurrent(current: CalibrationRunDto | null): void {
    if (current && (this.run === null || current.startedAt >= this.run.startedAt)) this.run = current;
  }

  #accept(run: CalibrationRunDto): void {
    if (this.run && run.startedAt < this.run.startedAt) return;
    this.run = run;
    if (run.state === 'done' && run.calibration) {
      this.viewing = run.calibration;
      if (run.modelId === this.modelId) void this.#loadPast();
    }
  }

  async #loadPast(): Promise<void> {
    const modelId = this.modelId;
    const list = await this.api.calibration.list({ modelId });
    if (modelId !== this.modelId) return;
    this.past = list;
    if (!this.viewing || !list.some((c) => c.id === this.viewing!.id)) this.viewing = list[0] ?? null;
  }
}
