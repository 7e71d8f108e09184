// The app has one generating engine, and a calibration holds it for minutes. Generation jobs already run one
// at a time (job-queue.ts); this gate is how they share the engine with a calibration: the calibration holds
// it (and is refused while generations are queued: calibration-service.ts), and a generation job that
// reaches the engine while it is held waits, saying what for, until it is released or the job is cancelled.
import { ServiceError } from './service-error';

export class EngineGate {
  private held: { readonly what: string; readonly released: Promise<void> } | undefined;

  /** What holds the engine now, in words ("calibrating Demo shapes"), or undefined. */
  get holder(): string | undefined {
    return this.held?.what;
  }

  /** Runs `work` holding the engine; 'engine-busy' when something else holds it. */
  async hold<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.held) throw new ServiceError('engine-busy', `The engine is busy ${this.held.what}; wait for it to finish or cancel it.`);
    let release!: () => void;
    this.held = { what, released: new Promise((r) => { release = r; }) };
    try {
      return await work();
    } finally {
      this.held = undefined;
      release();
    }
  }

  /**
   * Resolves once the engine is free (at once when it is), or when `stop` resolves; `waiting` is told what it
   * waits for. Loops: the engine may be held again by the time a waiter wakes.
   */
  async free(waiting: (what: string) => void, stop: Promise<void>): Promise<void> {
    let stopped = false;
    void stop.then(() => { stopped = true; });
    while (this.held && !stopped) {
      waiting(this.held.what);
      await Promise.race([this.held.released, stop]);
    }
  }
}
