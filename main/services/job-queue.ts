// One job at a time, first in first out, with a hard bound (G-02). Requests from the Electron window and from
// web-mode clients share this queue. The queue owns each job's state machine:
//   queued → loading → running → saving → done | failed | cancelled
// and publishes every change; what a job does is the runner's business (generation-service.ts).
// Cancel: a queued job is dropped at once; a running one is asked to stop (the runner's cancel hook) and ends
// 'cancelled' when the runner throws a 'cancelled' error. A job that is 'saving' is past cancelling: its
// image exists and is being written, so cancel answers false (TOO_LATE_TO_CANCEL) and the job ends 'done'.
import type { ApiErrorDto, JobDto, JobParamsDto, JobResultDto, JobState, ProgressDto } from '../../preload/contract';
import { ServiceError } from './service-error';
import { toApiError } from './to-api-error';

export interface JobSpec {
  /** Unique job id (the generation service makes it from the batch id and the batch index). */
  readonly id: string;
  readonly params: JobParamsDto;
  readonly comparisonId: number | null;
  /** The job's pending gallery row, written at enqueue so a restart can mark it interrupted. */
  readonly generationId: number;
}

/** What a runner can do to the job it runs. */
export interface JobControl {
  setState(state: 'loading' | 'running' | 'saving'): void;
  progress(progress: ProgressDto): void;
  /** What a slow load is doing (shown until the first step). */
  loadStage(label: string): void;
  /** Called (once) when the user cancels while the job runs. */
  onCancel(hook: () => void): void;
  readonly cancelRequested: boolean;
}

export interface JobQueueOptions {
  maxJobs: number;
  /** Finished jobs kept for `list()` (newest first). */
  keepFinished: number;
  run(job: JobDto, control: JobControl): Promise<JobResultDto>;
  /** A job that will never run (cancelled while queued): settle its row. */
  discard(job: JobDto): void;
  onJob(job: JobDto): void;
  onProgress(jobId: string, progress: ProgressDto): void;
}

interface Entry {
  job: JobDto;
  cancelRequested: boolean;
  cancelHook?: () => void;
}

/** Running states a cancel can still stop ('saving' is too late; a finished job is not running any more). */
const CANCELLABLE: ReadonlySet<JobState> = new Set(['loading', 'running']);

export const TOO_LATE_TO_CANCEL = 'Too late to cancel: the image is already being saved.';

function isCancelled(error: ApiErrorDto): boolean {
  return error.code === 'cancelled';
}

export class JobQueue {
  private readonly waiting: Entry[] = [];
  private running: Entry | undefined;
  private readonly finished: JobDto[] = [];
  private drained: Promise<void> = Promise.resolve();
  private resolveDrained: (() => void) | undefined;

  constructor(private readonly opts: JobQueueOptions) {}

  /** Throws 'queue-full' unless `count` more jobs fit (check before writing anything for them). */
  assertRoom(count: number): void {
    const active = this.waiting.length + (this.running ? 1 : 0);
    if (active + count > this.opts.maxJobs) {
      throw new ServiceError('queue-full',
        `The queue is full (${active} of ${this.opts.maxJobs} jobs). Wait for some to finish or cancel them.`);
    }
  }

  /** All or nothing: throws 'queue-full' when the specs do not all fit. */
  enqueue(specs: readonly JobSpec[]): JobDto[] {
    this.assertRoom(specs.length);
    const jobs = specs.map((spec): JobDto => ({
      id: spec.id, state: 'queued', queuePosition: null, params: spec.params, comparisonId: spec.comparisonId,
      generationId: spec.generationId, createdAt: Date.now(), startedAt: null, finishedAt: null,
      progress: null, loadStage: null, result: null, error: null,
    }));
    for (const job of jobs) this.waiting.push({ job, cancelRequested: false });
    this.publishPositions();
    if (!this.running) this.startNext();
    return jobs.map((j) => this.get(j.id)!);
  }

  cancel(jobId: string): boolean {
    const index = this.waiting.findIndex((e) => e.job.id === jobId);
    if (index >= 0) {
      const [entry] = this.waiting.splice(index, 1);
      this.opts.discard(entry!.job);
      this.finish(entry!, { state: 'cancelled', error: { code: 'cancelled', message: 'Cancelled before it started.' } });
      this.publishPositions();
      return true;
    }
    const running = this.running;
    if (running?.job.id !== jobId || running.cancelRequested || !CANCELLABLE.has(running.job.state)) return false;
    running.cancelRequested = true;
    running.cancelHook?.();
    return true;
  }

  cancelAll(): number {
    const ids = [...this.waiting.map((e) => e.job.id), ...(this.running ? [this.running.job.id] : [])];
    return ids.filter((id) => this.cancel(id)).length;
  }

  get(jobId: string): JobDto | undefined {
    if (this.running?.job.id === jobId) return this.running.job;
    return this.waiting.find((e) => e.job.id === jobId)?.job ?? this.finished.find((j) => j.id === jobId);
  }

  /** Running, then queued in order, then recently finished (newest first). */
  list(): JobDto[] {
    return [...(this.running ? [this.running.job] : []), ...this.waiting.map((e) => e.job), ...this.finished];
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    return this.running || this.waiting.length ? this.drained : Promise.resolve();
  }

  private update(entry: Entry, patch: Partial<JobDto>, publish = true): void {
    entry.job = { ...entry.job, ...patch };
    if (publish) this.opts.onJob(entry.job);
  }

  private publishPositions(): void {
    this.waiting.forEach((entry, position) => {
      if (entry.job.queuePosition !== position) this.update(entry, { queuePosition: position });
    });
  }

  private finish(entry: Entry, patch: Pick<JobDto, 'state'> & Partial<JobDto>): void {
    this.update(entry, { ...patch, queuePosition: null, loadStage: null, finishedAt: Date.now() });
    this.finished.unshift(entry.job);
    this.finished.length = Math.min(this.finished.length, this.opts.keepFinished);
  }

  private startNext(): void {
    const entry = this.waiting.shift();
    if (!entry) {
      this.resolveDrained?.();
      this.resolveDrained = undefined;
      return;
    }
    if (!this.resolveDrained) this.drained = new Promise((r) => { this.resolveDrained = r; });
    this.running = entry;
    this.update(entry, { state: 'loading', queuePosition: null, startedAt: Date.now() });
    this.publishPositions();
    void this.runEntry(entry).finally(() => {
      this.running = undefined;
      this.startNext();
    });
  }

  private async runEntry(entry: Entry): Promise<void> {
    const control: JobControl = {
      setState: (state) => { if (entry.job.state !== state) this.update(entry, { state }); },
      progress: (progress) => {
        this.update(entry, { progress, state: 'running', loadStage: null }, entry.job.state !== 'running');
        this.opts.onProgress(entry.job.id, progress);
      },
      loadStage: (label) => this.update(entry, { loadStage: label }),
      onCancel: (hook) => { entry.cancelHook = hook; if (entry.cancelRequested) hook(); },
      get cancelRequested() { return entry.cancelRequested; },
    };
    try {
      const result = await this.opts.run(entry.job, control);
      this.finish(entry, { state: 'done', result });
    } catch (err) {
      const error = toApiError(err);
      const state: JobState = isCancelled(error) ? 'cancelled' : 'failed';
      this.finish(entry, { state, error });
    }
  }
}
