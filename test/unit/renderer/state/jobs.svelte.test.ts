// The queue as the UI sees it (JobsState): ordering, live progress from events, the "done" hook, the image
// the Generate view shows, and errors turned into one message.
import { describe, expect, test, vi } from 'vitest';
import type { JobDto, ProgressDto } from '../../../../preload/contract';
import { ApiError } from '../../../../renderer/src/lib/api';
import { JobsState } from '../../../../renderer/src/state/jobs.svelte';
import { fakeApi } from './fake-api';

function job(id: string, patch: Partial<JobDto> = {}): JobDto {
  return {
    id, state: 'queued', queuePosition: null, comparisonId: null, generationId: null, createdAt: 0, startedAt: null, finishedAt: null,
    progress: null, result: null, error: null,
    params: {
      modelId: 1, modelName: 'demo', prompt: 'p', negativePrompt: '', accel: { mode: 'baseline' }, sampler: 'ddim', steps: 8, cfg: 5,
      width: 128, height: 128, seed: 1, batchIndex: 0, batchCount: 1,
    },
    ...patch,
  } as JobDto;
}
const progress = (step: number): ProgressDto => ({ step, total: 8, kind: 'full', itPerSec: 10, etaSeconds: 1, preview: null });

describe('JobsState', () => {
  test('load: active jobs by queue position, then finished ones newest first', async () => {
    const { api } = fakeApi({
      generation: {
        jobs: async () => [
          job('done-old', { state: 'done', finishedAt: 1 }), job('q1', { queuePosition: 1 }), job('done-new', { state: 'failed', finishedAt: 5 }),
          job('run', { state: 'running', queuePosition: 0 }), job('q2', { queuePosition: 2 }),
        ],
      },
    });
    const jobs = new JobsState(api);
    await jobs.load();
    expect(jobs.all.map((j) => j.id)).toEqual(['run', 'q1', 'q2', 'done-new', 'done-old']);
    expect(jobs.running?.id).toBe('run');
    expect(jobs.queued.map((j) => j.id)).toEqual(['q1', 'q2']);
    expect(jobs.pending).toHaveLength(3);
    expect(jobs.finished.map((j) => j.id)).toEqual(['done-new', 'done-old']);
  });

  test('events: progress updates the running job in place; "done" is reported once; finished jobs ignore late progress', () => {
    const { api, emit } = fakeApi({});
    const jobs = new JobsState(api);
    const onDone = vi.fn();
    jobs.onDone = onDone;
    emit('onJobEvent', { type: 'job', job: job('a', { queuePosition: 0 }) });
    emit('onJobEvent', { type: 'progress', jobId: 'a', progress: progress(3) });
    expect(jobs.running).toMatchObject({ id: 'a', state: 'running', progress: { step: 3 } });
    expect(jobs.shown?.id).toBe('a');

    const done = job('a', { state: 'done', finishedAt: 9 });
    emit('onJobEvent', { type: 'job', job: done });
    emit('onJobEvent', { type: 'job', job: done });
    expect(onDone).toHaveBeenCalledTimes(1);
    emit('onJobEvent', { type: 'progress', jobId: 'a', progress: progress(4) });
    expect(jobs.all).toEqual([done]);
    expect(jobs.running).toBeNull();
    expect(jobs.shown?.id).toBe('a'); // the latest finished image stays on screen
  });

  test('a pinned job is shown instead of the queue\'s; enqueueing unpins', async () => {
    const { api, emit } = fakeApi({ generation: { enqueue: async () => [job('new', { queuePosition: 0, state: 'running' })] } });
    const jobs = new JobsState(api);
    emit('onJobEvent', { type: 'job', job: job('old', { state: 'done', finishedAt: 1 }) });
    jobs.pin('old');
    emit('onJobEvent', { type: 'job', job: job('other', { state: 'running', queuePosition: 0 }) });
    expect(jobs.shown?.id).toBe('old');
    expect(await jobs.enqueue({} as never)).toBe(true);
    expect(jobs.pinnedJobId).toBeNull();
    expect(jobs.running?.id).toBe('other');
  });

  test('a refused enqueue leaves one message and clears "submitting"', async () => {
    const { api } = fakeApi({ generation: { enqueue: async () => { throw new ApiError('queue-full', 'The queue is full (64 jobs).'); } } });
    const jobs = new JobsState(api);
    expect(await jobs.enqueue({} as never)).toBe(false);
    expect(jobs.enqueueError).toBe('The queue is full (64 jobs).');
    expect(jobs.submitting).toBe(false);
  });
});
