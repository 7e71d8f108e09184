// Engine step reports → the UI's progress: step n of total, it/s over the last few evaluations, ETA from the
// mean so far (schedules mix cheap and expensive evaluations), and the live preview as a PNG data URL.
// Previews are encoded asynchronously; events stay in step order through one promise chain.
// Hires fix runs a second pass that counts its steps from 0 again: the steps go on counting across both passes,
// out of both passes' evaluations.
import type { ProgressDto } from '../../preload/contract';
import type { StepReport } from '../engine/index';
import type { JobControl } from './job-queue';
import { encodePreview } from './preview-encoder';

const RATE_WINDOW = 5;

export class ProgressTracker {
  private readonly seconds: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Evaluations before the pass now running. */
  private passStart = 0;
  private firstPassTotal: number | null = null;

  /** `secondPassEvaluations`: hires fix's (0 without). */
  constructor(private readonly control: Pick<JobControl, 'progress'>, private readonly secondPassEvaluations = 0) {}

  step(report: StepReport): void {
    if (report.index === 0 && this.seconds.length > 0) this.passStart = this.seconds.length;
    this.firstPassTotal ??= report.total;
    const total = this.firstPassTotal + this.secondPassEvaluations;
    this.seconds.push(report.seconds);
    const recent = this.seconds.slice(-RATE_WINDOW);
    const recentMean = recent.reduce((a, b) => a + b, 0) / recent.length;
    const mean = this.seconds.reduce((a, b) => a + b, 0) / this.seconds.length;
    const step = this.passStart + report.index + 1;
    const base: ProgressDto = {
      step, total, kind: report.kind,
      itPerSec: recentMean > 0 ? 1 / recentMean : 0,
      etaSeconds: Math.max(0, total - step) * mean,
      preview: null,
    };
    const preview = report.preview;
    this.chain = this.chain.then(async () => {
      this.control.progress(preview ? { ...base, preview: await encodePreview(preview).catch(() => null) } : base);
    });
  }

  /** Resolves when every progress event has been sent. */
  flushed(): Promise<void> {
    return this.chain;
  }
}
