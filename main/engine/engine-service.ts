// The engine's worker side: keeps one model open on one execution provider, runs jobs one at a time and
// reports progress. Transport-agnostic: engine-worker.ts binds it to a worker thread or a child process.
import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { countKinds, formatSchedule } from './accel/schedule';
import { planAcceleration, type AccelPlan, type AccelSettings } from './accel/plan';
import { EngineError, toEngineError } from './errors';
import type {
  CalibrateRequest, GenerateRequest, GenerateResult, HostMessage, LoadStage, ModelInfo, PlanSummary, WorkerMessage,
} from './engine-protocol';
import { modelStage, providerStage, sessionStage } from './load-stages';
import type { MemoryWatchdog } from './memory-watchdog';
import { calibrateSchedules, type CalibrationResult } from './pipeline/calibrate';
import { hiresPass } from './pipeline/hires-fix';
import { blankInpaintInit, img2img, takesInpaintConditioning } from './pipeline/img2img';
import { img2imgEvaluations, type Img2ImgStart } from './pipeline/img2img-start';
import { ModelRuntime } from './pipeline/model-runtime';
import { checkParams, txt2img, type Txt2ImgHooks, type Txt2ImgResult } from './pipeline/txt2img';
import { cpuThreadsProblem } from './runtime/cpu-threads';
import type { ProviderSelection } from './runtime/provider-choice';
import { selectProviderHere } from './runtime/providers';
import { PlanCostCache } from './plan-cost';
import { evaluationCount } from './schedulers/index';
import { Sd1Model } from './models/sd1-model';
import { examplePrompts } from './models/caption-grammar';
import { detectFamily } from './weights/detect';
import { detectPrediction } from './models/prediction-hint';
import { extractLoraTags, resolveLoraTag } from './weights/lora/prompt-tags';
import { openCheckpoint } from './weights/checkpoint';
import { describeAddonFile } from './weights/addon-file';
import { addonHashes } from './weights/addon-hash';
import { TEXT_MODEL_PREFIX, UNET_PREFIX, VAE_PREFIX } from './weights/names/prefixes';

interface Open { readonly key: string; readonly rt: ModelRuntime; readonly selection: ProviderSelection }

export class EngineService {
  private open: Open | undefined;
  private readonly cancelled = new Set<number>();
  /** Provider probes create sessions: done once per choice for the life of the engine. */
  private readonly selections = new Map<string, Promise<ProviderSelection>>();
  private readonly planCosts = new PlanCostCache();

  constructor(
    private readonly clipVocab: string,
    private readonly post: (m: WorkerMessage) => void,
    /** Shared flag (worker threads): the id of a job to cancel, readable while a run blocks the event loop. */
    private readonly cancelFlag?: Int32Array,
    /** False for one-shot engines (the CLI): sessions are released as soon as their stage is over. */
    private readonly keepSessions = true,
    /** Armed while a model file is checked (the checker process's memory cap). */
    private readonly watchdog?: MemoryWatchdog,
    /** The engine worker's own script: GPU providers are then probed in a child process (providers.ts). */
    private readonly probeScript?: string,
  ) {}

  async handle(msg: HostMessage): Promise<void> {
    switch (msg.type) {
      case 'cancel': this.cancelled.add(msg.id); return;
      case 'shutdown': await this.open?.rt.dispose(); this.open = undefined; return;
      // Both open the user's model file: under the checker's memory cap when this is the checker process.
      case 'inspect': return this.reply(msg.id, () => this.bounded(async () => ({ type: 'inspected', id: msg.id, info: await inspectModel(msg.path) })));
      case 'inspect-addon': return this.reply(msg.id, () => this.bounded(async () => ({ type: 'addon-inspected', id: msg.id, info: (await describeAddonFile(msg.path)) ?? null })));
      case 'plan-cost': return this.reply(msg.id, () => this.bounded(async () => ({ type: 'plan-costed', id: msg.id, cost: await this.planCosts.cost(msg.query) })));
      case 'generate': return this.reply(msg.id, async () => ({ type: 'generated', id: msg.id, result: await this.generate(msg.id, msg.request) }));
      case 'calibrate': return this.reply(msg.id, async () => ({ type: 'calibrated', id: msg.id, result: await this.calibrate(msg.id, msg.request) }));
    }
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    this.watchdog?.arm();
    try {
      return await work();
    } finally {
      this.watchdog?.disarm();
    }
  }

  private async reply(id: number, work: () => Promise<WorkerMessage>): Promise<void> {
    try {
      this.post(await work());
    } catch (err) {
      this.post({ type: 'failed', id, error: toEngineError(err).toJSON() });
    } finally {
      this.cancelled.delete(id);
    }
  }

  private isCancelled(id: number): boolean {
    return this.cancelled.has(id) || (this.cancelFlag !== undefined && Atomics.load(this.cancelFlag, 0) === id);
  }

  private async runtimeFor(
    req: Pick<GenerateRequest, 'modelPath' | 'provider' | 'threads' | 'prediction' | 'loras' | 'vae' | 'embeddings'>,
    stage: (s: LoadStage) => Promise<void> = async () => undefined,
  ): Promise<Open> {
    let pending = this.selections.get(req.provider);
    if (!pending) {
      await stage(providerStage(req.provider));
      pending = selectProviderHere(req.provider, this.probeScript);
      pending.catch(() => this.selections.delete(req.provider));
      this.selections.set(req.provider, pending);
    }
    const selection = await pending;
    const key = `${req.modelPath}|${selection.provider}|${req.threads ?? 'all'}|${req.prediction ?? 'auto'}|${JSON.stringify(req.loras ?? [])}|${req.vae ?? ''}|${JSON.stringify(req.embeddings ?? [])}`;
    if (this.open?.key === key) return this.open;
    await this.open?.rt.dispose(); // one model in memory at a time
    this.open = undefined;
    const rt = await ModelRuntime.open(req.modelPath, { provider: selection.provider, ...(req.threads ? { threads: req.threads } : {}) },
      {
        clipVocab: this.clipVocab, keepSessions: this.keepSessions, onStage: (s) => stage(modelStage(s)),
        ...(req.prediction ? { prediction: req.prediction } : {}), loras: req.loras ?? [], ...(req.vae ? { vae: req.vae } : {}),
        embeddings: req.embeddings ?? [],
      });
    this.open = { key, rt, selection };
    return this.open;
  }

  /** Search this model's schedules (pipeline/calibrate.ts), reporting progress and the resumable state. */
  private async calibrate(id: number, req: CalibrateRequest): Promise<CalibrationResult> {
    const threadsProblem = req.threads === undefined ? undefined : cpuThreadsProblem(req.threads);
    if (threadsProblem) throw new EngineError('invalid-parameters', `CPU threads ${threadsProblem}.`);
    const { modelPath: _path, provider: _provider, threads: _threads, resume, ...params } = req;
    checkParams({ ...params, eta: 0, images: 1, seed: 0, prompt: '', negativePrompt: '' });
    const { rt } = await this.runtimeFor(req);
    return calibrateSchedules(rt, params, {
      isCancelled: () => this.isCancelled(id),
      onProgress: (progress) => this.post({ type: 'calibration-progress', id, progress }),
      onState: (state) => this.post({ type: 'calibration-state', id, state }),
    }, resume);
  }

  /** Text-to-image, image-to-image / inpainting (`init`), each optionally followed by a hires pass. */
  private async generate(id: number, asked: GenerateRequest): Promise<GenerateResult> {
    const threadsProblem = asked.threads === undefined ? undefined : cpuThreadsProblem(asked.threads);
    if (threadsProblem) throw new EngineError('invalid-parameters', `CPU threads ${threadsProblem}.`);
    checkParams(asked); // a bad size or step count fails at once, before any provider is probed or model loaded
    const req = withPromptLoras(asked);
    const { init, hires, ...params } = req;
    if (init && hires) throw new EngineError('invalid-parameters', 'Hires fix is a second pass for text-to-image; run image-to-image at the larger size instead.');
    const plan = planFor(req.accel, init
      ? img2imgEvaluations(req.sampler, req.steps, init.strength, init.exactSteps)
      : evaluationCount(req.sampler, req.steps));
    const hiresPlan = hires && planFor(req.accel, img2imgEvaluations(req.sampler, hires.steps || req.steps, hires.strength, true));
    // yield after each stage message, so a child process's IPC write goes out before the slow work it names
    const stage = async (s: LoadStage): Promise<void> => {
      this.post({ type: 'stage', id, stage: s });
      await new Promise((resolve) => setImmediate(resolve));
    };
    const { rt, selection } = await this.runtimeFor(req, stage);
    const hooks: Txt2ImgHooks = {
      isCancelled: () => this.isCancelled(id),
      onStep: (step) => this.post({ type: 'progress', id, step }),
    };
    let first: Txt2ImgResult & { start?: Img2ImgStart };
    rt.sessions.onCreate = (key, phase) => stage(sessionStage(key, phase));
    try {
      if (req.previewEvery > 0) await rt.ensurePreview(req.height, req.width);
      // an inpainting checkpoint always needs its mask channels: text-to-image there is inpainting everything
      first = init || takesInpaintConditioning(rt)
        ? await img2img(rt, { ...params, accel: plan, init: init ?? blankInpaintInit(req.width, req.height) }, hooks)
        : await txt2img(rt, { ...params, accel: plan }, hooks);
    } finally {
      rt.sessions.onCreate = undefined;
    }
    const base = {
      provider: selection, plan: summarise(plan, first.steps), ...(init && first.start ? { img2img: first.start } : {}),
      loras: rt.loraReports, addons: await addonHashes(rt.loraReports.map((l) => l.path), req.vae, usedEmbeddings(req)),
    };
    if (!hires || !hiresPlan) {
      const { start: _start, ...result } = first;
      return { ...withoutPreviews(result), ...base };
    }

    const second = await hiresPass(rt, params, first, hires, hiresPlan, hooks);
    const passes = second.passes;
    const c = first.latentShape[1]!;
    const latents = new Float32Array(passes.reduce((n, r) => n + r.latents.length, 0));
    passes.forEach((r, i) => latents.set(r.latents, i * r.latents.length));
    const sum = (f: (r: Txt2ImgResult) => number): number => f(first) + passes.reduce((t, r) => t + f(r), 0);
    return {
      images: passes.map((r) => r.images[0]!),
      latents, latentShape: [req.images, c, second.height / 8, second.width / 8],
      steps: withoutPreviews({ steps: [...first.steps, ...passes.flatMap((r) => r.steps)] }).steps,
      timings: {
        load: sum((r) => r.timings.load), textEncode: sum((r) => r.timings.textEncode), unetLoop: sum((r) => r.timings.unetLoop),
        decode: sum((r) => r.timings.decode), total: sum((r) => r.timings.total),
      },
      ...base,
      hires: { width: second.width, height: second.height, start: passes[0]!.start, plan: summarise(hiresPlan, passes[0]!.steps), firstPassSeconds: first.timings.total },
    };
  }
}

const EXAMPLE_PROMPTS = 4;

/**
 * `<lora:name:w>` tags leave the prompt and join the request's LoRAs (a tag naming a chosen LoRA sets its
 * weights), so the text encoder never sees them and the runtime is keyed by the full LoRA set.
 */
export function withPromptLoras(req: GenerateRequest): GenerateRequest {
  const { prompt, tags } = extractLoraTags(req.prompt);
  if (tags.length === 0) return req;
  const loras = [...(req.loras ?? [])];
  for (const tag of tags) {
    const choice = resolveLoraTag(tag, req.loraDirs ?? [], loras);
    const same = loras.findIndex((l) => l.path === choice.path);
    if (same >= 0) loras[same] = choice; else loras.push(choice);
  }
  return { ...req, prompt, loras };
}

/** The embeddings a generation used, as A1111 lists them: those whose trigger (file name) is in either prompt. */
function usedEmbeddings(req: GenerateRequest): string[] {
  const text = `${req.prompt}\n${req.negativePrompt}`.toLowerCase();
  return (req.embeddings ?? []).filter((p) => text.includes(basename(p, extname(p)).toLowerCase()));
}

function planFor(accel: AccelSettings, evaluations: number): AccelPlan {
  try {
    return planAcceleration(accel, evaluations);
  } catch (err) {
    throw new EngineError('invalid-parameters', (err as Error).message);
  }
}

/** The plan with the kinds that ran (adaptive plans decide them during the run). */
function summarise(plan: AccelPlan, ran: Txt2ImgResult['steps']): PlanSummary {
  const kinds = ran.map((s) => s.kind);
  return {
    mode: plan.mode, schedule: formatSchedule(kinds), counts: countKinds(kinds),
    pruneRatios: plan.pruneRatios, gamma: plan.gamma, alpha: plan.alpha, flip: plan.flip,
  };
}

/** Previews go out with progress messages, not again with the result. */
function withoutPreviews<T extends Pick<Txt2ImgResult, 'steps'>>(r: T): Omit<T, 'steps'> & { steps: GenerateResult['steps'] } {
  return { ...r, steps: r.steps.map(({ preview: _preview, ...s }) => s) };
}

export async function inspectModel(path: string): Promise<ModelInfo> {
  const index = await openCheckpoint(path);
  const family = detectFamily(index);
  const model = new Sd1Model(index);
  const params = { unet: 0, text: 0, vae: 0 };
  let sizeBytes = 0;
  for (const t of index.tensors.values()) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.name.startsWith(UNET_PREFIX)) params.unet += n;
    else if (t.name.startsWith(TEXT_MODEL_PREFIX)) params.text += n;
    else if (t.name.startsWith(VAE_PREFIX)) params.vae += n;
  }
  for (const file of new Set([...index.tensors.values()].map((t) => t.file))) sizeBytes += statSync(file).size;
  return {
    path, kind: index.source.kind, family, prediction: detectPrediction(index, family), parameters: params,
    unet: {
      modelChannels: model.unet.modelChannels,
      levels: model.unet.inputBlocks.filter((b) => b.kind === 'down').length + 1,
      contextDim: model.unet.contextDim,
    },
    text: { width: model.text.width, layers: model.text.layers },
    nativeSize: model.hints.imageSize ?? 512,
    sizeBytes,
    notices: model.hints.notices,
    examplePrompts: model.hints.captionGrammar ? examplePrompts(model.hints.captionGrammar, EXAMPLE_PROMPTS) : [],
  };
}
