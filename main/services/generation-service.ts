// Generate: UI parameters → queued jobs (one per batch image, seeds seed, seed+1, …) → engine → saved image.
// Each job: 1 resolve (and re-validate) the model · 2 free-space preflight · 3 run in the engine with live
// progress (it/s, ETA, preview) · 4 save the PNG atomically with its metadata · 5 measure the speed-up.
// A job's gallery row is written 'pending' at enqueue, so a restart finds unfinished jobs (interrupted).
import { randomInt, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type {
  AccelDto, GenerateParams, GenerationDefaults, JobDto, JobParamsDto, JobResultDto, PlanCostDto, PlanCostParams, PresetDto,
  PresetFidelityDto, PresetFidelityParams, SeedChoice,
} from '../../preload/contract';
import type { SavePresetParams } from '../../preload/contract';
import { hiresTargetSize, LIMITS } from '../../preload/contract';
import type { AppStateRepo } from '../db/app-state-repo';
import type { StudioDb } from '../db/index';
import {
  EngineError, evaluationCount, planAcceleration, type AccelSettings, type Engine, type GenerateRequest, type GenerateResult,
  type PlanCost, type PlanCostQuery,
} from '../engine/index';
import { hiresParameterFields } from '../images/img2img-parameters';
import { assertFreeSpace, estimateImageBytes } from '../images/free-space';
import { appliedAddonFields } from '../images/addon-parameters';
import { saveGeneratedImage } from '../images/image-store';
import { hiresMetadata } from '../images/studio-metadata';
import { accelFromColumns, accelParams, isBaselinePlan, toAccelSettings } from './accel-mapping';
import type { EngineGate } from './engine-gate';
import { appliedAddons, type AddonsService } from './addons-service';
import type { EventHub } from './event-hub';
import { FidelityBook } from './fidelity-book';
import { JobQueue, type JobControl, type JobSpec } from './job-queue';
import { resolveCalibrated } from './calibrated-schedule';
import type { ModelsService, ResolvedModel } from './models-service';
import { ProgressTracker } from './progress-tracker';
import type { ProviderReports } from './provider-report';
import { recordedTimings, steadyRunSeconds, timingsDto } from './recorded-timings';
import { ServiceError } from './service-error';
import type { SettingsService } from './settings-service';
import { linkSource, type SourceImagesService } from './source-images-service';
import { sizeOptions, samplingDefaults } from './size-options';
import type { SpeedupBook } from './speedup-book';

/** A running job that ignores a cancel this long (a stuck native call) is stopped by restarting the engine (G-03). */
export const HARD_CANCEL_MS = 20_000;
const LAST_SEED_KEY = 'generation:last-seed';
const isSeed = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export interface GenerationServiceOptions {
  db: StudioDb;
  state: AppStateRepo;
  engine: Engine;
  /** Plan costs are answered by an engine process (the inspector): it parses the checkpoint's header. */
  planCost: (query: PlanCostQuery) => Promise<PlanCost>;
  models: ModelsService;
  settings: SettingsService;
  reports: ProviderReports;
  speedups: SpeedupBook;
  events: EventHub;
  /** Shared with the calibration, which holds the engine for minutes: a job waits at it. */
  gate: EngineGate;
  appVersion: string;
  maxJobs?: number;
  /** Default HARD_CANCEL_MS (tests shorten it). */
  hardCancelMs?: number;
  /** LoRAs, embeddings, VAEs of the library (issue 11). */
  addons: AddonsService;
  /** Image-to-image sources (issue 9). */
  sources: SourceImagesService;
}

/** One job to queue, model and seed resolved (compare uses this directly). */
export interface JobPlan {
  params: Omit<GenerateParams, 'accel' | 'batchCount' | 'seed' | 'modelId'>;
  modelId: number | null;
  accel: AccelDto;
  seed: number;
  comparisonId: number | null;
}

export class GenerationService {
  readonly queue: JobQueue;
  private readonly fidelity: FidelityBook;

  constructor(private readonly opts: GenerationServiceOptions) {
    this.fidelity = new FidelityBook(opts.db);
    this.queue = new JobQueue({
      maxJobs: opts.maxJobs ?? LIMITS.maxQueuedJobs,
      keepFinished: 50,
      run: (job, control) => this.run(job, control),
      discard: (job) => { if (job.generationId !== null) opts.db.generations.markFailed(job.generationId, 'Cancelled before it started.'); },
      onJob: (job) => opts.events.emit('onJobEvent', { type: 'job', job }),
      onProgress: (jobId, progress) => opts.events.emit('onJobEvent', { type: 'progress', jobId, progress }),
    });
  }

  /** The seed a SeedChoice stands for now. */
  resolveSeed(choice: SeedChoice): number {
    if (choice.mode === 'fixed') return choice.value;
    if (choice.mode === 'reuse-last') return this.opts.state.get(LAST_SEED_KEY, isSeed) ?? randomInt(0, LIMITS.maxSeed);
    return randomInt(0, LIMITS.maxSeed);
  }

  enqueue(params: GenerateParams): JobDto[] {
    this.opts.addons.check(params);
    const seed = this.resolveSeed(params.seed);
    const { accel, batchCount, seed: _choice, modelId, ...asked } = params;
    // Image-to-image (issue 9): the sources must exist; outpainting sets the size from the extended picture
    const rest = asked.source ? { ...asked, ...this.opts.sources.check(asked.source, asked) } : asked;
    const plans = Array.from({ length: batchCount }, (_, i): JobPlan => ({ params: rest, modelId, accel, seed: seed + i, comparisonId: null }));
    return this.enqueuePlans(plans);
  }

  /** Queue jobs, all or none: checks room and parameters, writes the pending rows, then queues. */
  enqueuePlans(plans: readonly JobPlan[]): JobDto[] {
    if (this.opts.db.readonly) {
      throw new ServiceError('unavailable', 'This library was written by a newer DaTo Studio and is read-only: update the app to generate.');
    }
    this.queue.assertRoom(plans.length);
    const batchId = randomUUID();
    const specs = this.opts.db.db.transaction(() => plans.map((plan, batchIndex): JobSpec => {
      const model = this.opts.models.describe(plan.modelId);
      try {
        planAcceleration(toAccelSettings(plan.accel), evaluationCount(plan.params.sampler, plan.params.steps));
        // hires fix: the same acceleration stretched over the second pass's steps (engine-service.ts)
        const hires = plan.params.hires;
        if (hires) planAcceleration(toAccelSettings(plan.accel), evaluationCount(plan.params.sampler, hires.steps || plan.params.steps));
      } catch (err) {
        throw new EngineError('invalid-parameters', (err as Error).message);
      }
      const params: JobParamsDto = {
        ...plan.params, modelId: model.id, modelName: model.name, accel: plan.accel, seed: plan.seed, batchIndex, batchCount: plans.length,
      };
      const generationId = this.opts.db.generations.insertPending({
        jobId: batchId, batchIndex, modelId: model.id, prompt: params.prompt, negativePrompt: params.negativePrompt,
        sampler: params.sampler, steps: params.steps, cfg: params.cfg, width: params.width, height: params.height, seed: params.seed,
        mode: params.accel.mode, schedule: params.accel.schedule ?? null, accel: accelParams(params.accel), comparisonGroupId: plan.comparisonId,
        hires: params.hires ?? null,
      });
      if (params.source) linkSource(this.opts.db, generationId, params.source);
      return { id: `${batchId}-${batchIndex}`, params, comparisonId: plan.comparisonId, generationId };
    })).immediate();
    if (plans[0]) this.opts.state.set(LAST_SEED_KEY, plans[0].seed);
    return this.queue.enqueue(specs);
  }

  defaults(modelId: number | null): GenerationDefaults {
    const model = this.opts.models.describe(modelId);
    const d = samplingDefaults(model.isDemo, model.nativeSize);
    return {
      modelId: model.id, sampler: 'ddim', steps: d.steps, cfg: d.cfg, width: d.size, height: d.size,
      sizes: sizeOptions(d.size), lastSeed: this.opts.state.get(LAST_SEED_KEY, isSeed) ?? null,
    };
  }

  /**
   * A preset's or custom schedule's cost before it runs (bad schedules/ratios → invalid-parameters); with hires
   * fix, its second pass's too: the same acceleration at the target size and the hires steps.
   */
  async planCost(p: PlanCostParams): Promise<PlanCostDto> {
    const model = this.opts.models.describe(p.modelId);
    const accel = await this.calibrated(toAccelSettings(p.accel), model, p);
    const [first, second] = await this.passCosts({ ...p, accel }, model.path);
    const dto = ({ evaluations, schedule, counts, macFraction, idealSpeedup }: PlanCost) => ({ evaluations, schedule, counts, macFraction, idealSpeedup });
    return { ...dto(first!), ...(second ? { hiresPass: dto(second) } : {}) };
  }

  /** The engine's cost of each pass: the first at width × height, hires fix's second (if any) at its target size. */
  private passCosts(p: Omit<PlanCostParams, 'accel' | 'modelId'> & { accel: AccelSettings }, modelPath: string): Promise<PlanCost[]> {
    const query = { modelPath, accel: p.accel, sampler: p.sampler, steps: p.steps, width: p.width, height: p.height };
    const hires = p.hires;
    return Promise.all([
      this.opts.planCost(query),
      ...(hires ? [this.opts.planCost({ ...query, ...hiresTargetSize(p.width, p.height, hires.scale), steps: hires.steps || p.steps })] : []),
    ]);
  }

  /** `calibrated` without a schedule → the stored (or shipped) calibration's schedule for this model. */
  private async calibrated(accel: AccelSettings, model: ResolvedModel, p: { sampler: string; steps: number; cfg?: number; width: number; height: number }): Promise<AccelSettings> {
    const cfg = p.cfg ?? samplingDefaults(model.isDemo, model.nativeSize).cfg;
    const resolved = await resolveCalibrated(accel, this.opts.db, { modelPath: model.path, isDemo: model.isDemo, sampler: p.sampler, steps: p.steps, cfg, width: p.width, height: p.height });
    if (!resolved) {
      throw new EngineError('invalid-parameters', `${model.name} has no calibration for ${p.sampler}, ${p.steps} steps, CFG ${cfg}, ${p.width}×${p.height}: run \`dato-studio calibrate\` for it, or pick another preset.`);
    }
    return resolved.accel;
  }

  presets(): PresetDto[] {
    return this.opts.db.presets.list().map((p) => ({ id: p.id, name: p.name, builtin: p.builtin, accel: accelFromColumns(p.mode, p.schedule, p.accel) }));
  }

  /** A user preset (e.g. a calibration's front point); its accel is stored as given, so it reruns that exact schedule. */
  savePreset(p: SavePresetParams): PresetDto {
    try {
      planAcceleration(toAccelSettings(p.accel), p.accel.schedule?.replace(/[\s,]/g, '').length ?? 1);
    } catch (err) {
      throw new EngineError('invalid-parameters', (err as Error).message);
    }
    const { mode, schedule, ...params } = p.accel;
    const saved = this.opts.db.presets.create({ name: p.name.trim(), mode, schedule: schedule ?? null, accel: params });
    return { id: saved.id, name: saved.name, builtin: saved.builtin, accel: accelFromColumns(saved.mode, saved.schedule, saved.accel) };
  }

  /** What the library's same-seed runs say about each preset's fidelity (Generate shows it next to the speed-up). */
  presetFidelity(p: PresetFidelityParams): PresetFidelityDto[] {
    const model = this.opts.models.describe(p.modelId);
    return this.fidelity.presetFidelity(model.id, p.sampler, p.steps, this.presets());
  }

  private async run(job: JobDto, control: JobControl): Promise<JobResultDto> {
    const started = performance.now();
    const generationId = job.generationId!;
    try {
      return await this.runJob(job, generationId, control, started);
    } catch (err) {
      const cancelled = control.cancelRequested && err instanceof EngineError && (err.code === 'cancelled' || err.code === 'engine-crashed');
      const error = cancelled ? new EngineError('cancelled', 'Cancelled.') : err;
      this.opts.db.generations.markFailed(generationId, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async runJob(job: JobDto, generationId: number, control: JobControl, started: number): Promise<JobResultDto> {
    const p = job.params;
    const model = await this.opts.models.resolve(p.modelId);
    const settings = this.opts.settings.get();
    await mkdir(settings.outputDir, { recursive: true });
    const size = p.hires ? hiresTargetSize(p.width, p.height, p.hires.scale) : p;
    await assertFreeSpace(settings.outputDir, estimateImageBytes(size.width, size.height));
    await this.opts.gate.free((what) => control.loadStage(`Waiting: the engine is ${what}`), new Promise((stop) => control.onCancel(stop)));
    if (control.cancelRequested) throw new EngineError('cancelled', 'Cancelled.');
    const source = p.source ? await this.opts.sources.prepare(p.source, p.width, p.height) : null;

    const request: GenerateRequest = {
      modelPath: model.path, provider: settings.executionProvider, negativePrompt: p.negativePrompt,
      sampler: p.sampler, steps: p.steps, cfg: p.cfg, eta: 0, width: p.width, height: p.height, seed: p.seed, images: 1,
      accel: await this.calibrated(toAccelSettings(p.accel), model, p), previewEvery: 1, ...(settings.cpuThreads ? { threads: settings.cpuThreads } : {}),
      // the prompt without its `<lora:…>` tags, and the add-ons (issue 11): library LoRAs and those of the tags,
      // embeddings, VAE, clip skip
      ...this.opts.addons.forGeneration(p),
      ...(source ? { init: source.init } : {}),
      ...(p.hires ? { hires: p.hires } : {}),
    };
    const tracker = new ProgressTracker(control, p.hires ? evaluationCount(p.sampler, p.hires.steps || p.steps) : 0);
    const engineJob = this.opts.engine.generate(request, (step) => tracker.step(step), (stage) => control.loadStage(stage.label));
    // The hook stays registered for the whole job, so it must do nothing once the engine has answered: a
    // timer armed then would stop whatever job the engine runs 20 s later. The kill itself is scoped to
    // this engine job (a no-op once it has settled).
    let engineSettled = false;
    let hardCancel: NodeJS.Timeout | undefined;
    control.onCancel(() => {
      if (engineSettled) return;
      this.opts.engine.cancel(engineJob.id);
      hardCancel = setTimeout(() => this.opts.engine.killJob(engineJob.id), this.opts.hardCancelMs ?? HARD_CANCEL_MS);
    });
    let result: GenerateResult;
    try {
      result = await engineJob.result;
    } finally {
      engineSettled = true;
      clearTimeout(hardCancel);
      await tracker.flushed();
    }
    // A cancel that arrived while the engine decoded the image is honoured: nothing is saved. From the
    // 'saving' state on, the queue answers a cancel with "too late" (and this job ends 'done').
    if (control.cancelRequested) throw new EngineError('cancelled', 'Cancelled.');
    control.setState('saving');
    this.opts.reports.record(settings.executionProvider, result.provider);
    const speedup = await this.opts.speedups.measure({
      key: {
        modelId: model.id, provider: result.provider.provider, width: p.width, height: p.height, sampler: p.sampler, steps: p.steps,
        ...(p.hires ? { hires: p.hires } : {}),
      },
      evaluations: result.steps.length,
      unetSeconds: steadyRunSeconds(result),
      isBaseline: isBaselinePlan(result.plan) && (!result.hires || isBaselinePlan(result.hires.plan)),
      // with hires fix, both passes' multiply-accumulates (each pass's evaluations at its own size)
      macFraction: () => this.passCosts({ ...p, accel: request.accel }, model.path).then((costs) => {
        const macs = (c: PlanCost): number => c.fullMacs * c.evaluations;
        return costs.reduce((t, c) => t + macs(c) * c.macFraction, 0) / costs.reduce((t, c) => t + macs(c), 0);
      }, () => 0),
    });
    const image = source ? (await source.finish(result.images))[0] : result.images[0];
    if (!image) throw new EngineError('internal', 'Internal error: the engine returned no image.');
    const addons = appliedAddons(request, result); // issue 11
    this.opts.db.addons.setApplied(generationId, addons && { ...addons });
    const saveStarted = performance.now();
    const timings = recordedTimings(result, speedup);
    await saveGeneratedImage({
      generations: this.opts.db.generations, outputDir: settings.outputDir, generation: { pendingId: generationId },
      completion: { provider: result.provider.provider, timings, unetSeconds: result.timings.unetLoop, speedup: speedup?.value ?? null },
      rgb: image.rgb, width: image.width, height: image.height, appVersion: this.opts.appVersion,
      // A1111 fields of the add-ons (issue 11), of image-to-image and of hires fix (issue 9)
      extraParameters: { ...appliedAddonFields(addons), ...source?.parameters, ...(p.hires ? hiresParameterFields(p.hires) : {}) },
      ...(addons ? { addons } : {}), ...(result.hires ? { hires: hiresMetadata(result.hires) } : {}),
      ...(p.source && result.img2img ? {
        img2img: { strength: p.source.strength, scheduleSteps: result.img2img.scheduleSteps, startStep: result.img2img.startStep, stepsRun: result.img2img.stepsRun },
      } : {}),
      // The files are written; the row is committed next, with `timings` as it is then: record the save
      // and wall times now so the gallery has them (the PNG's own chunk was encoded before they existed).
      onProgress: (step) => {
        if (step !== 'thumbnail-written') return;
        timings.save = (performance.now() - saveStarted) / 1000;
        timings.wall = (performance.now() - started) / 1000;
      },
    });
    this.opts.events.emit('onGalleryEvent', { type: 'added', generationIds: [generationId] });
    // Comparison members are measured against their group's baseline by the compare service.
    const fidelity = job.comparisonId === null ? await this.fidelity.afterRun(generationId) : null;
    return {
      generationId, width: image.width, height: image.height, provider: result.provider.provider,
      timings: timingsDto(timings), speedup, fidelity, addons,
      // every evaluation as run: with hires fix, the second pass's after the first's
      schedule: result.hires ? `${result.plan.schedule},${result.hires.plan.schedule}` : result.plan.schedule,
    };
  }
}
