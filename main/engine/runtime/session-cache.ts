// Sessions are expensive (weights read, cast and pre-packed) and onnxruntime-node leaks a little on every
// create/release cycle, so each (graph, variant) gets one session for the life of the engine.
import type * as ort from 'onnxruntime-node';
import type { BuiltGraph } from '../models/sd1-model';
import { createSession, type RuntimeConfig } from './session-options';

export class SessionCache {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  /** Seconds spent creating sessions since the last `takeLoadSeconds()`. */
  private loadSeconds = 0;

  /** Told before a graph is built and before its session is created (the slow first use of a graph). */
  onCreate: ((key: string, phase: 'graph' | 'session') => Promise<void> | void) | undefined;

  constructor(readonly runtime: RuntimeConfig) {}

  /** `cpuOutputs`: outputs the caller reads; on WebGPU every other output stays in device memory. */
  get(key: string, build: () => BuiltGraph, cpuOutputs?: readonly string[]): Promise<ort.InferenceSession> {
    let s = this.sessions.get(key);
    if (!s) {
      s = (async () => {
        const t0 = performance.now();
        await this.onCreate?.(key, 'graph');
        const built = build();
        const deviceOutputs = cpuOutputs ? built.graph.outputNames.filter((n) => !cpuOutputs.includes(n)) : [];
        await this.onCreate?.(key, 'session');
        const session = await createSession(built.bytes, built.weightsRoot, this.runtime, { deviceOutputs });
        this.loadSeconds += (performance.now() - t0) / 1000;
        return session;
      })();
      s.catch(() => this.sessions.delete(key)); // a failed creation may be retried
      this.sessions.set(key, s);
    }
    return s;
  }


  takeLoadSeconds(): number {
    const s = this.loadSeconds;
    this.loadSeconds = 0;
    return s;
  }

  /** Release sessions whose key does not pass `keep` (e.g. another image size on a static-shape EP). */
  async releaseWhere(drop: (key: string) => boolean): Promise<void> {
    for (const [key, s] of [...this.sessions]) {
      if (!drop(key)) continue;
      this.sessions.delete(key);
      await (await s.catch(() => undefined))?.release();
    }
  }

  async releaseAll(): Promise<void> { await this.releaseWhere(() => true); }
}
