// Cancel is exact (G-03): a cancel after sampling either really cancels (nothing saved) or, once the image
// is being saved, is answered "too late" and the job ends done; no cancel can stop another job's engine.
// The hard-cancel delay is shortened to 1 s so a stray timer would hit the next job within the test.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import type { JobDto, ProgressDto } from '../../../preload/contract';
import { TOO_LATE_TO_CANCEL } from '../../../main/services/job-queue';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

let t: TestStudio;
beforeAll(async () => { t = await openTestStudio({ hardCancelMs: 1000 }); });
afterAll(async () => { await t.close(); });

const cancel = async (jobId: string): Promise<unknown> => {
  const r = await t.studio.dispatch('generation.cancel', { jobId }, { remote: false });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** Calls `act` once, on the first event of job `jobId` that `when` accepts. */
function onJobEvent(jobId: () => string | undefined, when: (e: { type: string; job?: JobDto; jobId?: string; progress?: ProgressDto }) => boolean,
  act: () => void): () => void {
  let done = false;
  return t.studio.events.connect((event, payload) => {
    const e = payload as { type: string; job?: JobDto; jobId?: string; progress?: ProgressDto };
    const id = e.job?.id ?? e.jobId;
    if (done || event !== 'onJobEvent' || id === undefined || id !== jobId() || !when(e)) return;
    done = true;
    act();
  });
}

function imageFiles(): string[] {
  const dir = t.studio.settings.get().outputDir;
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.png')) : [];
}

describe('cancel after sampling', () => {
  it('a cancel that arrives after the last UNet step really cancels: no image, no row marked done', async () => {
    const before = imageFiles().length;
    let jobId: string | undefined;
    let answer: unknown;
    const off = onJobEvent(() => jobId, (e) => e.type === 'progress' && e.progress!.step === e.progress!.total,
      () => { void cancel(jobId!).then((a) => { answer = a; }); });
    [{ id: jobId }] = t.studio.generation.enqueue(quickParams()) as [JobDto];
    const job = await settled(t.studio, jobId!);
    off();
    expect(answer).toEqual({ cancelled: true });
    expect(job.state).toBe('cancelled');
    expect(job.result).toBeNull();
    expect(t.studio.db.generations.get(job.generationId!)!.status).toBe('failed');
    expect(imageFiles().length).toBe(before);
  });

  it('a cancel while the image is being saved is answered "too late", and the job ends done with its image', async () => {
    let jobId: string | undefined;
    let answer: unknown;
    const off = onJobEvent(() => jobId, (e) => e.type === 'job' && e.job!.state === 'saving',
      () => { void cancel(jobId!).then((a) => { answer = a; }); });
    [{ id: jobId }] = t.studio.generation.enqueue(quickParams({ seed: { mode: 'fixed', value: 5 } })) as [JobDto];
    const job = await settled(t.studio, jobId!);
    off();
    expect(answer).toEqual({ cancelled: false, message: TOO_LATE_TO_CANCEL });
    expect(job.state).toBe('done');
    expect(t.studio.db.generations.get(job.result!.generationId)!.status).toBe('complete');
  });

  it('late cancels arm no timer against the next job: it runs to the end, past the hard-cancel delay', async () => {
    const kill = vi.spyOn(t.engine, 'kill');
    // Job A: cancelled while saving (too late) and again after it finished.
    let a: string | undefined;
    const off = onJobEvent(() => a, (e) => e.type === 'job' && e.job!.state === 'saving', () => { void cancel(a!); });
    [{ id: a }] = t.studio.generation.enqueue(quickParams({ seed: { mode: 'fixed', value: 6 } })) as [JobDto];
    expect((await settled(t.studio, a!)).state).toBe('done');
    off();
    expect(await cancel(a!)).toEqual({ cancelled: false });
    // Job B runs longer than the 1 s hard-cancel delay.
    const [b] = t.studio.generation.enqueue(quickParams({ steps: 100, seed: { mode: 'fixed', value: 7 } }));
    const started = Date.now();
    const jobB = await settled(t.studio, b!.id);
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(jobB.state).toBe('done');
    expect(kill).not.toHaveBeenCalled();
    kill.mockRestore();
  });

  it('a cancel mid-sampling still stops the job, and the next job succeeds in the same engine', async () => {
    let jobId: string | undefined;
    const off = onJobEvent(() => jobId, (e) => e.type === 'progress' && e.progress!.step === 2, () => { void cancel(jobId!); });
    [{ id: jobId }] = t.studio.generation.enqueue(quickParams({ steps: 30 })) as [JobDto];
    const job = await settled(t.studio, jobId!);
    off();
    expect(job.state).toBe('cancelled');
    const [next] = t.studio.generation.enqueue(quickParams());
    expect((await settled(t.studio, next!.id)).state).toBe('done');
  });
});
