// The caller's handle on the engine: starts it off-thread, sends jobs, routes progress, cancels, and
// survives an engine crash (pending jobs fail with 'engine-crashed'; the next call starts a new engine).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError } from './errors';
import type {
  AddonInfo, CalibrateRequest, GenerateRequest, GenerateResult, HostMessage, LoadStage, ModelInfo, PlanCost, PlanCostQuery, StepReport,
  WorkerMessage,
} from './engine-protocol';
import type { CalibrationProgress, CalibrationResult, CalibrationState } from './pipeline/calibrate';
import { resolveResources } from './resources';

/** A running engine thread or process, as the host sees it. */
export interface EngineProcess {
  post(msg: HostMessage): void;
  onMessage(handler: (msg: WorkerMessage) => void): void;
  onExit(handler: (reason: string) => void): void;
  kill(): void;
  /** The OS process id, where the engine is a process of its own. */
  readonly pid?: number | undefined;
  /** Shared cancel flag, where the transport has shared memory (worker threads). */
  readonly cancelFlag?: Int32Array;
}

export interface SpawnOptions {
  readonly clipVocab: string;
  /** False: one-shot engine that releases sessions after each stage (lowest peak memory). */
  readonly keepSessions: boolean;
  /** The most memory the engine may use (V8 heap limit, plus an RSS watchdog in a process); none if unset. */
  readonly memoryCapMb?: number;
}

/**
 * Bounds on checking an untrusted model file: the checker is stopped past either, and the file is refused.
 * Real checkpoints and diffusers folders are checked in well under a second (only headers and small
 * configs are read); a file that needs more is hostile or broken.
 */
export interface InspectionLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export const INSPECTION_LIMITS: InspectionLimits = { timeoutMs: 4000, memoryMb: 768 };

/** V8's heap limit, below the RSS cap so a JS-heap flood ends in V8's own out-of-memory abort. */
export function engineExecArgv({ memoryCapMb }: SpawnOptions): string[] {
  return memoryCapMb === undefined ? [] : [`--max-old-space-size=${Math.floor(memoryCapMb * 0.75)}`];
}

export type EngineSpawner = (script: string, opts: SpawnOptions) => EngineProcess;

/**
 * An engine process's environment: strings only. Electron's utilityProcess refuses any other value ("Invalid
 * value for env") and, given an env at all, starts the child with exactly that env, nothing inherited.
 */
export type EngineEnv = Readonly<Record<string, string>>;

/** The parent's environment plus what the worker reads (DATO_CLIP_VOCAB, DATO_KEEP_SESSIONS, DATO_MEMORY_CAP_MB). */
export function engineEnv({ clipVocab, keepSessions, memoryCapMb }: SpawnOptions, base: NodeJS.ProcessEnv = process.env): EngineEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  env.DATO_CLIP_VOCAB = clipVocab;
  env.DATO_KEEP_SESSIONS = keepSessions ? '1' : '0';
  if (memoryCapMb === undefined) delete env.DATO_MEMORY_CAP_MB;
  else env.DATO_MEMORY_CAP_MB = String(memoryCapMb);
  return env;
}

/** The bundled worker script: next to this file once built (dist/), else in the checkout's dist/. */
export function defaultWorkerScript(): string {
  const candidates = [join(__dirname, 'engine-worker.js'), resolve(__dirname, '..', '..', 'dist', 'engine-worker.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`The engine worker is not built (looked for ${candidates.join(', ')}). Run \`npm run build\`.`);
  return found;
}

/** A worker thread shares the caller's process: its heap is capped, but no RSS watchdog can stop only it. */
export const spawnThread: EngineSpawner = (script, { clipVocab, keepSessions, memoryCapMb }) => {
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(script, {
    workerData: { clipVocab, keepSessions, cancelFlag: cancelFlag.buffer },
    ...(memoryCapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: Math.floor(memoryCapMb * 0.75) } } : {}),
  });
  return {
    cancelFlag,
    post: (m) => worker.postMessage(m),
    onMessage: (h) => worker.on('message', h),
    onExit: (h) => {
      worker.on('error', (e) => h(e.message));
      worker.on('exit', (code) => h(`the engine thread exited with code ${code}`));
    },
    kill: () => void worker.terminate(),
  };
};

export const spawnProcess: EngineSpawner = (script, opts) => {
  const child = fork(script, [], {
    serialization: 'advanced', env: engineEnv(opts), execArgv: [...process.execArgv, ...engineExecArgv(opts)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    pid: child.pid,
    post: (m) => child.send(m),
    onMessage: (h) => child.on('message', (m) => h(m as WorkerMessage)),
    onExit: (h) => child.on('exit', (code, signal) => h(`the engine process exited (${signal ?? `code ${code}`})`)),
    kill: () => void child.kill('SIGKILL'),
  };
};

/** The value a reply message carries. */
function resultOf(msg: Extract<WorkerMessage, { type: 'generated' | 'inspected' | 'addon-inspected' | 'plan-costed' | 'calibrated' }>): unknown {
  switch (msg.type) {
    case 'generated': return msg.result;
    case 'calibrated': return msg.result;
    case 'inspected': return msg.info;
    case 'addon-inspected': return msg.info;
    case 'plan-costed': return msg.cost;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: EngineError): void;
  onProgress?: (step: StepReport) => void;
  onStage?: (stage: LoadStage) => void;
  calibration?: CalibrationHooks;
}

/** What a calibration reports while it runs (its state after every candidate, to store for a resume). */
export interface CalibrationHooks {
  onProgress?(progress: CalibrationProgress): void;
  onState?(state: CalibrationState): void;
}

export interface EngineOptions {
  spawn?: EngineSpawner;
  workerScript?: string;
  clipVocab?: string;
  /** Default true (the app); the CLI passes false. */
  keepSessions?: boolean;
  /** Set for the model checker: its process runs under the memory cap and each check under the time limit. */
  inspection?: InspectionLimits;
}

export class Engine {
  private proc: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Bounded checks run one at a time, so each one's clock starts when it is sent. */
  private inspections: Promise<unknown> = Promise.resolve();
  /** Calls sent and not answered yet (a bounded check waits for them: the worker runs jobs one at a time). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly opts: EngineOptions = {}) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const spawn = this.opts.spawn ?? spawnThread;
    const proc = spawn(this.opts.workerScript ?? defaultWorkerScript(), {
      clipVocab: this.opts.clipVocab ?? resolveResources().clipVocab, keepSessions: this.opts.keepSessions ?? true,
      ...(this.opts.inspection ? { memoryCapMb: this.opts.inspection.memoryMb } : {}),
    });
    this.proc = proc;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      proc.onMessage((msg) => {
        if (msg.type === 'ready') resolveReady();
        else this.dispatch(msg);
      });
      proc.onExit((reason) => {
        if (this.proc !== proc) return;
        this.proc = undefined;
        this.ready = undefined;
        const err = new EngineError('engine-crashed', `The engine stopped unexpectedly (${reason}). It restarts for the next job.`);
        rejectReady(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
    return this.ready;
  }

  private dispatch(msg: WorkerMessage): void {
    if (msg.type === 'log') { console.log(`[engine] ${msg.message}`); return; }
    if (msg.type === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') { p.onProgress?.(msg.step); return; }
    if (msg.type === 'stage') { p.onStage?.(msg.stage); return; }
    if (msg.type === 'calibration-progress') { p.calibration?.onProgress?.(msg.progress); return; }
    if (msg.type === 'calibration-state') { p.calibration?.onState?.(msg.state); return; }
    this.pending.delete(msg.id);
    if (msg.type === 'failed') p.reject(new EngineError(msg.error.code, msg.error.message, msg.error.detail));
    else p.resolve(resultOf(msg));
  }

  private async call<T>(msg: HostMessage & { id: number }, listeners: Pick<Pending, 'onProgress' | 'onStage' | 'calibration'> = {}): Promise<T> {
    await this.start();
    const answer = new Promise<T>((resolveCall, reject) => {
      this.pending.set(msg.id, { resolve: resolveCall as (v: unknown) => void, reject, ...listeners });
      this.proc!.post(msg);
    });
    this.inFlight.add(answer);
    const settle = (): void => { this.inFlight.delete(answer); };
    answer.then(settle, settle);
    return answer;
  }

  /** Start a generation; `id` identifies it for `cancel`. `onStage`: what a slow first load is doing. */
  generate(
    request: GenerateRequest, onProgress?: (step: StepReport) => void, onStage?: (stage: LoadStage) => void,
  ): { id: number; result: Promise<GenerateResult> } {
    const id = this.nextId++;
    return { id, result: this.call<GenerateResult>({ type: 'generate', id, request }, { ...(onProgress ? { onProgress } : {}), ...(onStage ? { onStage } : {}) }) };
  }

  /** Start a schedule calibration; `id` identifies it for `cancel` (it stops after the current image). */
  calibrate(request: CalibrateRequest, hooks: CalibrationHooks = {}): { id: number; result: Promise<CalibrationResult> } {
    const id = this.nextId++;
    return { id, result: this.call<CalibrationResult>({ type: 'calibrate', id, request }, { calibration: hooks }) };
  }

  /** Check a model file; with `inspection` limits, a check past them kills the checker and refuses the file. */
  inspect(path: string): Promise<ModelInfo> {
    return this.check(path, () => this.call<ModelInfo>({ type: 'inspect', id: this.nextId++, path }));
  }

  /**
   * What a LoRA, textual-inversion embedding or VAE file is, checked like a model file; null when the file
   * is a checkpoint or none of these.
   */
  inspectAddon(path: string): Promise<AddonInfo | null> {
    return this.check(path, () => this.call<AddonInfo | null>({ type: 'inspect-addon', id: this.nextId++, path }));
  }

  private check<T>(path: string, ask: () => Promise<T>): Promise<T> {
    const limits = this.opts.inspection;
    if (!limits) return ask();
    const check = this.inspections.then(() => this.boundedCheck(path, limits, ask));
    this.inspections = check.catch(() => undefined);
    return check;
  }

  private async boundedCheck<T>(path: string, limits: InspectionLimits, ask: () => Promise<T>): Promise<T> {
    await this.start();
    // The clock must not count a provider probe the same engine is still running.
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const proc = this.proc;
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; proc?.kill(); }, limits.timeoutMs);
    try {
      return await ask();
    } catch (err) {
      if (!(err instanceof EngineError) || err.code !== 'engine-crashed') throw err;
      const why = timedOut ? `checking it took longer than ${limits.timeoutMs / 1000} s`
        : `checking it needed more than ${limits.memoryMb} MB of memory or crashed the checker`;
      throw new EngineError('model-refused',
        `DaTo Studio refused "${basename(path)}": ${why}, which no usable model file does. It was not opened.`, err.message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What a plan costs on this model and size (the engine parses the checkpoint's header and builds graphs). */
  planCost(query: PlanCostQuery): Promise<PlanCost> {
    return this.call<PlanCost>({ type: 'plan-cost', id: this.nextId++, query });
  }

  /** Cooperative: the job stops before its next UNet evaluation. */
  cancel(id: number): void {
    if (!this.proc) return;
    if (this.proc.cancelFlag) Atomics.store(this.proc.cancelFlag, 0, id);
    this.proc.post({ type: 'cancel', id });
  }

  /** Stop the engine now; pending jobs fail as crashed. */
  kill(): void { this.proc?.kill(); }

  /** A hard cancel: stop the engine only if job `id` is still in it (never another job's engine). */
  killJob(id: number): void {
    if (this.pending.has(id)) this.kill();
  }

  async close(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((r) => proc.onExit(() => r()));
    proc.post({ type: 'shutdown' });
    // The engine exits when asked; the timeout only bounds a stuck one. Cleared, so a finished CLI run
    // does not wait it out before its process can exit.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
    this.proc = undefined;
    this.ready = undefined;
    proc.kill();
  }
}
