// Calibrate in the app: one schedule calibration at a time on the generating engine (held through the engine
// gate, refused while generations are queued), with progress, ETA and cancel published as onCalibrationEvent;
// a model's stored calibrations with their fronts; and what a preset is expected to give before it runs.
// The run itself (resume, stored state, stored front) is calibration-run.ts, shared with the CLI.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type {
  AccelDto, CalibrateParams, CalibrationDto, CalibrationProgressDto, CalibrationRunDto, ExpectedQualityDto, ExpectedQualityParams,
  ProviderChoice, SamplerName,
} from '../../preload/contract';
import { TERMINAL_JOB_STATES } from '../../preload/contract';
import type { StudioDb } from '../db/index';
import type { CalibrationKey, CalibrationRecord } from '../db/calibrations-repo';
import { EngineError, type CalibrationHooks, type Engine } from '../engine/index';
import { toAccelSettings } from './accel-mapping';
import { calibrationFingerprint, resolveCalibrated } from './calibrated-schedule';
import { defaultCalibrationPrompts, runStoredCalibration } from './calibration-run';
import type { EngineGate } from './engine-gate';
import type { EventHub } from './event-hub';
import { HARD_CANCEL_MS, type GenerationService } from './generation-service';
import type { ModelsService, ResolvedModel } from './models-service';
import { ServiceError } from './service-error';
import type { SettingsService } from './settings-service';
import { toApiError } from './to-api-error';

export interface CalibrationServiceOptions {
  db: StudioDb;
  engine: Engine;
  gate: EngineGate;
  generation: GenerationService;
  models: ModelsService;
  settings: SettingsService;
  events: EventHub;
  hardCancelMs?: number;
}

/** Progress events at most this often (the search reports after every image). */
const PROGRESS_INTERVAL_MS = 250;

export function calibrationDto(r: CalibrationRecord): CalibrationDto {
  return {
    id: r.id, sampler: r.sampler as SamplerName, steps: r.steps, cfg: r.cfg, width: r.width, height: r.height, seconds: r.seconds,
    updatedAt: r.updatedAt, front: [...r.front].sort((a, b) => b.macSpeedup - a.macSpeedup),
    plain: [...r.plain].sort((a, b) => a.steps - b.steps).map(({ steps, macSpeedup, psnr }) => ({ steps, macSpeedup, psnr })),
  };
}

export class CalibrationService {
  private run: CalibrationRunDto | null = null;
  private cancel: (() => void) | undefined;
  private cancelRequested = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CalibrationServiceOptions) {}

  current(): CalibrationRunDto | null {
    return this.run;
  }

  /** Resolves when no calibration runs (tests, shutdown). */
  settled(): Promise<void> {
    return this.running;
  }

  async start(p: CalibrateParams): Promise<CalibrationRunDto> {
    if (this.opts.db.readonly) {
      throw new ServiceError('unavailable', 'This library was written by a newer DaTo Studio and is read-only: update the app to calibrate.');
    }
    this.assertEngineFree();
    const model = await this.opts.models.resolve(p.modelId);
    const key: CalibrationKey = {
      fingerprint: await calibrationFingerprint(model.path), sampler: p.sampler, steps: p.steps, cfg: p.cfg, width: p.width, height: p.height,
    };
    this.assertEngineFree();
    const settings = this.opts.settings.get();
    const started = Date.now();
    this.run = {
      id: randomUUID(), params: p, modelId: model.id, modelName: model.name, state: 'running', resumedFrom: 0, progress: null,
      startedAt: started, finishedAt: null, error: null, calibration: null,
    };
    const runId = this.run.id;
    this.cancelRequested = false;
    this.publish();
    let resolveRunning!: () => void;
    this.running = new Promise((r) => { resolveRunning = r; });
    void this.opts.gate.hold(`calibrating ${model.name}`, () => this.calibrate(runId, model, key, p, settings.executionProvider, settings.cpuThreads))
      .finally(resolveRunning);
    return this.run;
  }

  /** Checked before and after start's awaits: another start or a generation may have come in meanwhile. */
  private assertEngineFree(): void {
    if (this.run?.state === 'running') throw new ServiceError('engine-busy', `A calibration of ${this.run.modelName} is already running; wait for it or cancel it.`);
    const active = this.opts.generation.queue.list().filter((j) => !TERMINAL_JOB_STATES.includes(j.state)).length;
    if (active > 0) {
      throw new ServiceError('engine-busy', `The engine is generating (${active} job${active === 1 ? '' : 's'} in the queue): calibrate when the queue is empty, or cancel them.`);
    }
  }

  /** Stop the run after the current image; what it measured stays stored for a resume. */
  stop(runId: string): boolean {
    if (this.run?.id !== runId || this.run.state !== 'running' || !this.cancel || this.cancelRequested) return false;
    this.cancelRequested = true;
    this.cancel();
    return true;
  }

  /** A model's finished calibrations, newest first. */
  async list(modelId: number | null): Promise<CalibrationDto[]> {
    const model = this.opts.models.describe(modelId);
    return this.opts.db.calibrations.listForModel(await calibrationFingerprint(model.path)).map(calibrationDto);
  }

  /**
   * Before a run: `calibrated` without a schedule resolves as generation does (calibrated-schedule.ts); a saved
   * front point (calibrated with its schedule or adaptive threshold) finds its figures on the stored calibration it came from.
   */
  async expected(p: ExpectedQualityParams): Promise<ExpectedQualityDto> {
    if (p.accel.mode !== 'calibrated') return { expected: null, uncalibrated: false };
    const model = this.opts.models.describe(p.modelId);
    if (p.accel.schedule !== undefined || p.accel.adaptiveThreshold !== undefined) return { expected: await this.savedPoint(model, p, p.accel), uncalibrated: false };
    const resolved = await resolveCalibrated(toAccelSettings(p.accel), this.opts.db, { modelPath: model.path, isDemo: model.isDemo, ...p });
    return { expected: resolved?.expected ?? null, uncalibrated: resolved === null };
  }

  private async savedPoint(model: ResolvedModel, p: ExpectedQualityParams, accel: AccelDto): Promise<ExpectedQualityDto['expected']> {
    const fingerprint = await calibrationFingerprint(model.path);
    const schedule = accel.schedule?.toUpperCase().replace(/[\s,]/g, '');
    for (const c of this.opts.db.calibrations.listForModel(fingerprint)) {
      if (c.sampler !== p.sampler || c.cfg !== p.cfg || c.steps !== p.steps || c.width !== p.width || c.height !== p.height) continue;
      const point = c.front.find((f) => (schedule !== undefined
        ? f.adaptiveThreshold === undefined && f.schedule.replace(/,/g, '') === schedule
        : f.adaptiveThreshold === accel.adaptiveThreshold) && f.pruneRatio === (accel.pruneRatio ?? 0));
      if (point) return { macSpeedup: point.macSpeedup, psnr: point.psnr, source: `calibration of ${c.sampler} ${c.steps} steps, ${c.width}×${c.height}` };
    }
    return null;
  }

  private async calibrate(
    runId: string, model: ResolvedModel, key: CalibrationKey, p: CalibrateParams, provider: ProviderChoice, threads: number | null,
  ): Promise<void> {
    let lastProgress = 0;
    let loopStarted: number | undefined;
    const onProgress: NonNullable<CalibrationHooks['onProgress']> = (progress) => {
      loopStarted ??= performance.now();
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && progress.phase !== 'verify') return;
      lastProgress = now;
      const dto: CalibrationProgressDto = {
        phase: progress.phase, fraction: progress.fraction, candidates: progress.candidates, message: progress.message,
        etaSeconds: Math.max(0, p.minutes * 60 - (now - loopStarted) / 1000),
      };
      this.update(runId, { progress: dto });
    };
    let hardCancel: NodeJS.Timeout | undefined;
    try {
      const job = runStoredCalibration(this.opts.engine, this.opts.db, key, {
        modelPath: model.path, provider, ...(threads ? { threads } : {}), sampler: p.sampler, steps: p.steps, cfg: p.cfg,
        width: p.width, height: p.height, prompts: defaultCalibrationPrompts(model.isDemo), minutes: p.minutes,
      }, onProgress);
      this.cancel = () => {
        this.opts.engine.cancel(job.id);
        hardCancel = setTimeout(() => this.opts.engine.killJob(job.id), this.opts.hardCancelMs ?? HARD_CANCEL_MS);
      };
      if (job.resumedFrom > 0) this.update(runId, { resumedFrom: job.resumedFrom });
      const outcome = await job.outcome;
      if (outcome.kind === 'out-of-time') {
        throw new EngineError('invalid-parameters', `${p.minutes} min ran out before a schedule was measured; what was measured is kept — start it again (or with more minutes) to continue.`);
      }
      this.finish(runId, { state: 'done', calibration: calibrationDto(this.opts.db.calibrations.get(key)!) });
    } catch (err) {
      const error = toApiError(err);
      const cancelled = this.cancelRequested && (error.code === 'cancelled' || error.code === 'engine-crashed');
      this.finish(runId, cancelled
        ? { state: 'cancelled', error: { code: 'cancelled', message: 'Cancelled; what was measured is kept — start the same calibration again to resume.' } }
        : { state: 'failed', error });
    } finally {
      clearTimeout(hardCancel);
      this.cancel = undefined;
    }
  }

  private update(runId: string, patch: Partial<CalibrationRunDto>): void {
    if (this.run?.id !== runId) return;
    this.run = { ...this.run, ...patch };
    this.publish();
  }

  private finish(runId: string, patch: Partial<CalibrationRunDto>): void {
    this.update(runId, { ...patch, finishedAt: Date.now() });
  }

  private publish(): void {
    if (this.run) this.opts.events.emit('onCalibrationEvent', { run: this.run });
  }
}
