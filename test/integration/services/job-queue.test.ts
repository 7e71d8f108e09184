// The queue with the real engine: cancel a running job (no image, row settled, next job fine), an engine that
// dies mid-job (job failed 'engine-crashed', the next job restarts the engine), jobs left over by a previous
// session (interrupted at start).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnProcess } from '../../../main/engine/engine-host';
import type { JobDto } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

function whenRunning(t: TestStudio, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = t.studio.events.connect((event, payload) => {
      const e = payload as { type: string; jobId?: string; job?: JobDto };
      if (event === 'onJobEvent' && e.type === 'progress' && e.jobId === jobId) { off(); resolve(); }
    });
  });
}

describe('job queue with the engine', () => {
  let t: TestStudio;
  // A child process, as in web mode: killing a worker thread mid-run aborts the whole test process.
  beforeAll(async () => { t = await openTestStudio({ maxJobs: 4, spawn: spawnProcess }); });
  afterAll(async () => { await t?.close(); });

  it('cancels a running job before its next step and runs the next one', async () => {
    const [slow, next] = t.studio.generation.enqueue(quickParams({ steps: 60, batchCount: 2 }));
    await whenRunning(t, slow!.id);
    expect(t.studio.generation.queue.cancel(slow!.id)).toBe(true);
    const cancelled = await settled(t.studio, slow!.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.progress!.step).toBeLessThan(60);
    const row = t.studio.db.generations.get(slow!.generationId!)!;
    expect(row.status).toBe('failed');
    expect(row.image).toBeNull();
    t.studio.generation.queue.cancel(next!.id);
    const [after] = t.studio.generation.enqueue(quickParams({ steps: 2 }));
    expect((await settled(t.studio, after!.id)).state).toBe('done');
  });

  it('rejects jobs past the bound with queue-full and writes no rows for them', () => {
    const before = t.studio.db.generations.countByStatus();
    expect(() => t.studio.generation.enqueue(quickParams({ batchCount: 5 }))).toThrow(expect.objectContaining({ code: 'queue-full' }));
    expect(t.studio.db.generations.countByStatus()).toEqual(before);
  });

  it('fails the job as engine-crashed when the engine dies, and the next job restarts it', async () => {
    const [victim] = t.studio.generation.enqueue(quickParams({ steps: 60 }));
    await whenRunning(t, victim!.id);
    t.engine.kill();
    const failed = await settled(t.studio, victim!.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'engine-crashed' } });
    expect(t.studio.db.generations.get(victim!.generationId!)!.status).toBe('failed');
    const [next] = t.studio.generation.enqueue(quickParams({ steps: 2 }));
    expect((await settled(t.studio, next!.id)).state).toBe('done');
  });
});

describe('a restart after jobs were left unfinished', () => {
  it('marks them interrupted and leaves no stray files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dato-studio-restart-'));
    try {
      const first = await openTestStudio({ dir });
      const id = first.studio.db.generations.insertPending({
        jobId: 'left-over', batchIndex: 0, modelId: null, prompt: 'x', negativePrompt: '', sampler: 'ddim', steps: 2, cfg: 5,
        width: 64, height: 64, seed: 1, mode: 'baseline', schedule: null, accel: {},
      });
      await first.close();
      const second = await openTestStudio({ dir });
      expect(second.studio.startup.interrupted).toEqual([id]);
      expect(second.studio.db.generations.get(id)!.status).toBe('interrupted');
      const images = join(dir, 'images');
      expect(existsSync(images) ? readdirSync(images) : []).toEqual([]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
