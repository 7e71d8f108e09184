// The caller's handle on the engine: starts it off-thread, sends jobs, routes progress, cancels, and
// survives an engine crash (pending jobs fail with 'engine-crashed'; the next call starts a new engine).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError } from './errors';
import type { GenerateRequest, GenerateResult, HostMessage, LoadStage, ModelInfo, StepReport, WorkerMessage } from './engine-protocol';
import { resolveResources } from './resources';

/** A running engine thread or process, as the host sees it. */
export interface EngineProcess {
  post(msg: HostMessage): void;
  onMessage(handler: (msg: WorkerMessage) => void): void;
  onExit(handler: (reason: string) => void): void;
  kill(): void;
  /** Shared cancel flag, where the transport has shared memory (worker threads). */
  readonly cancelFlag?: Int32Array;
}

export interface SpawnOptions {
  readonly clipVocab: string;
  /** False: one-shot engine that releases sessions after each stage (lowest peak memory). */
  readonly keepSessions: boolean;
}

export type EngineSpawner = (script: string, opts: SpawnOptions) => EngineProcess;

/** The bundled worker script: next to this file once built (dist/), else in the checkout's dist/. */
export function defaultWorkerScript(): string {
  const candidates = [join(__dirname, 'engine-worker.js'), resolve(__dirname, '..', '..', 'dist', 'engine-worker.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`The engine worker is not built (looked for ${candidates.join(', ')}). Run \`npm run build\`.`);
  return found;
}

export const spawnThread: EngineSpawner = (script, { clipVocab, keepSessions }) => {
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(script, { workerData: { clipVocab, keepSessions, cancelFlag: cancelFlag.buffer } });
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

export const spawnProcess: EngineSpawner = (script, { clipVocab, keepSessions }) => {
  const env = { ...process.env, DATO_CLIP_VOCAB: clipVocab, DATO_KEEP_SESSIONS: keepSessions ? '1' : '0' };
  const child = fork(script, [], { serialization: 'advanced', env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    post: (m) => child.send(m),
    onMessage: (h) => child.on('message', (m) => h(m as WorkerMessage)),
    onExit: (h) => child.on('exit', (code, signal) => h(`the engine process exited (${signal ?? `code ${code}`})`)),
    kill: () => void child.kill('SIGKILL'),
  };
};

interface Pending {
  resolve(value: unknown): void;
  reject(err: EngineError): void;
  onProgress?: (step: StepReport) => void;
  onStage?: (stage: LoadStage) => void;
}

export interface EngineOptions {
  spawn?: EngineSpawner;
  workerScript?: string;
  clipVocab?: string;
  /** Default true (the app); the CLI passes false. */
  keepSessions?: boolean;
}

export class Engine {
  private proc: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly opts: EngineOptions = {}) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const spawn = this.opts.spawn ?? spawnThread;
    const proc = spawn(this.opts.workerScript ?? defaultWorkerScript(), {
      clipVocab: this.opts.clipVocab ?? resolveResources().clipVocab, keepSessions: this.opts.keepSessions ?? true,
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
    this.pending.delete(msg.id);
    if (msg.type === 'failed') p.reject(new EngineError(msg.error.code, msg.error.message, msg.error.detail));
    else p.resolve(msg.type === 'generated' ? msg.result : msg.info);
  }

  private async call<T>(msg: HostMessage & { id: number }, onProgress?: (s: StepReport) => void, onStage?: (s: LoadStage) => void): Promise<T> {
    await this.start();
    return new Promise<T>((resolveCall, reject) => {
      this.pending.set(msg.id, {
        resolve: resolveCall as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}), ...(onStage ? { onStage } : {}),
      });
      this.proc!.post(msg);
    });
  }

  /** Start a generation; `id` identifies it for `cancel`. `onStage`: what a slow first load is doing. */
  generate(
    request: GenerateRequest, onProgress?: (step: StepReport) => void, onStage?: (stage: LoadStage) => void,
  ): { id: number; result: Promise<GenerateResult> } {
    const id = this.nextId++;
    return { id, result: this.call<GenerateResult>({ type: 'generate', id, request }, onProgress, onStage) };
  }

  inspect(path: string): Promise<ModelInfo> {
    return this.call<ModelInfo>({ type: 'inspect', id: this.nextId++, path });
  }

  /** Cooperative: the job stops before its next UNet evaluation. */
  cancel(id: number): void {
    if (!this.proc) return;
    if (this.proc.cancelFlag) Atomics.store(this.proc.cancelFlag, 0, id);
    this.proc.post({ type: 'cancel', id });
  }

  /** Stop the engine now (e.g. a hard cancel after a timeout); pending jobs fail as crashed. */
  kill(): void { this.proc?.kill(); }

  async close(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((r) => proc.onExit(() => r()));
    proc.post({ type: 'shutdown' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.proc = undefined;
    this.ready = undefined;
    proc.kill();
  }
}
