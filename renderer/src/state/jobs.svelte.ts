// The job queue as the UI sees it: queued and running jobs (with the live progress of the running one) and
// the recently finished ones. Fed by onJobEvent; progress events update the running job in place.
import {
  TERMINAL_JOB_STATES,
  type GenerateParams, type JobDto, type JobEvent, type StudioApi,
} from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

const KEEP_FINISHED = 24;

export const isActive = (job: JobDto): boolean => !TERMINAL_JOB_STATES.includes(job.state);

function order(jobs: readonly JobDto[]): JobDto[] {
  const active = jobs.filter(isActive).sort((a, b) => (a.queuePosition ?? -1) - (b.queuePosition ?? -1) || a.createdAt - b.createdAt);
  const finished = jobs.filter((j) => !isActive(j)).sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)).slice(0, KEEP_FINISHED);
  return [...active, ...finished];
}

export class JobsState {
  all = $state.raw<readonly JobDto[]>([]);
  enqueueError = $state<string | null>(null);
  submitting = $state(false);
  /** The job whose image the Generate view shows; null = follow the queue. */
  pinnedJobId = $state<string | null>(null);

  pending = $derived(this.all.filter(isActive));
  running = $derived(this.all.find((j) => j.state === 'loading' || j.state === 'running' || j.state === 'saving') ?? null);
  queued = $derived(this.all.filter((j) => j.state === 'queued'));
  finished = $derived(this.all.filter((j) => !isActive(j)));
  /** Shown in the image area: the pinned job, else the running one, else the latest finished one. */
  shown = $derived(
    (this.pinnedJobId === null ? null : this.all.find((j) => j.id === this.pinnedJobId))
      ?? this.running ?? this.all.find((j) => j.comparisonId === null && !isActive(j)) ?? null,
  );

  /** Called with every job that reached 'done' (the form refreshes "last seed", the gallery its list). */
  onDone: ((job: JobDto) => void) | null = null;

  constructor(private readonly api: StudioApi) {
    api.onJobEvent((event) => this.#accept(event));
  }

  async load(): Promise<void> {
    try {
      const current = await this.api.generation.jobs();
      const known = new Map(this.all.map((j) => [j.id, j]));
      for (const job of current) known.set(job.id, job);
      this.all = order([...known.values()]);
    } catch (error) {
      this.enqueueError = errorMessage(error);
    }
  }

  async enqueue(params: GenerateParams): Promise<boolean> {
    this.submitting = true;
    this.enqueueError = null;
    try {
      const jobs = await this.api.generation.enqueue(params);
      this.#merge(jobs);
      this.pinnedJobId = null;
      return true;
    } catch (error) {
      this.enqueueError = errorMessage(error);
      return false;
    } finally {
      this.submitting = false;
    }
  }

  async cancel(jobId: string): Promise<void> {
    try {
      const answer = await this.api.generation.cancel({ jobId });
      if (answer.message) this.enqueueError = answer.message;
    } catch (error) {
      this.enqueueError = errorMessage(error);
    }
  }

  async cancelAll(): Promise<void> {
    try {
      await this.api.generation.cancelAll();
    } catch (error) {
      this.enqueueError = errorMessage(error);
    }
  }

  pin(jobId: string | null): void {
    this.pinnedJobId = jobId;
  }

  #accept(event: JobEvent): void {
    if (event.type === 'job') {
      const before = this.all.find((j) => j.id === event.job.id);
      this.#merge([event.job]);
      if (event.job.state === 'done' && before?.state !== 'done') this.onDone?.(event.job);
      return;
    }
    const job = this.all.find((j) => j.id === event.jobId);
    if (!job || !isActive(job)) return;
    this.#merge([{ ...job, state: 'running', progress: event.progress }]);
  }

  #merge(jobs: readonly JobDto[]): void {
    const byId = new Map(this.all.map((j) => [j.id, j]));
    for (const job of jobs) byId.set(job.id, job);
    this.all = order([...byId.values()]);
  }
}
