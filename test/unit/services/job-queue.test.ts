// The queue's own rules, with a scripted runner: FIFO, one at a time, hard bound, cancel queued/running,
// a failing job does not stop the next.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors';
import { JobQueue, type JobControl, type JobSpec } from '../../../main/services/job-queue';
import type { JobDto, JobParamsDto, JobResultDto } from '../../../preload/contract';

const params: JobParamsDto = {
  modelId: 1, modelName: 'demo', prompt: 'p', negativePrompt: '', accel: { mode: 'baseline' }, sampler: 'ddim', steps: 2, cfg: 5,
  width: 64, height: 64, seed: 1, batchIndex: 0, batchCount: 1,
};
const spec = (id: string): JobSpec => ({ id, params, comparisonId: null, generationId: 1 });
const result = (generationId: number): JobResultDto => ({
  generationId, width: 64, height: 64, provider: 'cpu', schedule: 'F,F', speedup: null, fidelity: null,
  timings: { load: 0, textEncode: 0, unetLoop: 0, decode: 0, save: 0, total: 0 },
});

/** A runner whose jobs finish when the test says so. */
function scripted() {
  const started: string[] = [];
  const controls = new Map<string, { control: JobControl; finish(): void; fail(e: unknown): void }>();
  let running = 0;
  let maxRunning = 0;
  const run = (job: JobDto, control: JobControl) => new Promise<JobResultDto>((resolve, reject) => {
    started.push(job.id);
    maxRunning = Math.max(maxRunning, ++running);
    const done = () => { running--; };
    controls.set(job.id, {
      control,
      finish: () => { done(); resolve(result(1)); },
      fail: (e) => { done(); reject(e); },
    });
    control.onCancel(() => { done(); reject(new EngineError('cancelled', 'Cancelled.')); });
  });
  return { run, started, controls, get maxRunning() { return maxRunning; } };
}

function makeQueue(maxJobs = 3) {
  const s = scripted();
  const events: JobDto[] = [];
  const discarded: string[] = [];
  const queue = new JobQueue({
    maxJobs, keepFinished: 10, run: s.run, discard: (j) => discarded.push(j.id), onJob: (j) => events.push(j), onProgress: () => undefined,
  });
  return { queue, s, events, discarded };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('JobQueue', () => {
  it('runs jobs one at a time in FIFO order', async () => {
    const { queue, s } = makeQueue(5);
    queue.enqueue([spec('a'), spec('b')]);
    queue.enqueue([spec('c')]);
    expect(s.started).toEqual(['a']);
    expect(queue.list().map((j) => [j.id, j.state, j.queuePosition])).toEqual([['a', 'loading', null], ['b', 'queued', 0], ['c', 'queued', 1]]);
    s.controls.get('a')!.finish();
    await tick();
    expect(s.started).toEqual(['a', 'b']);
    s.controls.get('b')!.finish();
    await tick();
    s.controls.get('c')!.finish();
    await queue.idle();
    expect(s.started).toEqual(['a', 'b', 'c']);
    expect(s.maxRunning).toBe(1);
    expect(queue.list().map((j) => j.state)).toEqual(['done', 'done', 'done']);
  });

  it('refuses, all or nothing, what exceeds the bound', () => {
    const { queue } = makeQueue(3);
    queue.enqueue([spec('a'), spec('b')]);
    expect(() => queue.enqueue([spec('c'), spec('d')])).toThrow(expect.objectContaining({ code: 'queue-full' }));
    expect(queue.list()).toHaveLength(2);
    queue.enqueue([spec('c')]);
    expect(() => queue.enqueue([spec('d')])).toThrow(/queue is full/);
  });

  it('cancels a queued job without running it, and a running one through its hook', async () => {
    const { queue, s, discarded } = makeQueue(5);
    queue.enqueue([spec('a'), spec('b'), spec('c')]);
    expect(queue.cancel('b')).toBe(true);
    expect(discarded).toEqual(['b']);
    expect(queue.get('b')!.state).toBe('cancelled');
    expect(queue.get('c')!.queuePosition).toBe(0);
    expect(queue.cancel('a')).toBe(true);
    expect(queue.cancel('a')).toBe(false); // already asked
    await tick();
    expect(queue.get('a')!.state).toBe('cancelled');
    expect(s.started).toEqual(['a', 'c']);
    expect(queue.cancel('nope')).toBe(false);
    s.controls.get('c')!.finish();
    await queue.idle();
  });

  it('marks a failed job failed with its error code and goes on with the next', async () => {
    const { queue, s } = makeQueue(5);
    queue.enqueue([spec('a'), spec('b')]);
    s.controls.get('a')!.fail(new EngineError('engine-crashed', 'The engine stopped.'));
    await tick();
    expect(queue.get('a')).toMatchObject({ state: 'failed', error: { code: 'engine-crashed' } });
    s.controls.get('b')!.finish();
    await queue.idle();
    expect(queue.get('b')!.state).toBe('done');
  });

  it('publishes running on the first progress and keeps the last progress', async () => {
    const { queue, s, events } = makeQueue();
    queue.enqueue([spec('a')]);
    const { control } = s.controls.get('a')!;
    control.progress({ step: 1, total: 2, kind: 'full', itPerSec: 1, etaSeconds: 1, preview: null });
    control.progress({ step: 2, total: 2, kind: 'full', itPerSec: 1, etaSeconds: 0, preview: null });
    expect(events.filter((e) => e.state === 'running')).toHaveLength(1);
    expect(queue.get('a')!.progress!.step).toBe(2);
    s.controls.get('a')!.finish();
    await queue.idle();
  });
});
