// Generation end to end: UI parameters → queue → real engine (demo model) → PNG in the library, row complete,
// parameters chunk present, progress with previews, speed-up recorded (estimated before a baseline exists,
// measured after).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextChunks } from '../../../main/images/png-text';
import type { JobDto, ProgressDto } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

describe('generation service', () => {
  let t: TestStudio;
  beforeAll(async () => { t = await openTestStudio(); });
  afterAll(async () => { await t?.close(); });

  it('generates, saves and records a baseline image with progress and previews', async () => {
    const progress: ProgressDto[] = [];
    const states: string[] = [];
    const off = t.studio.events.connect((event, payload) => {
      const e = payload as { type: string; progress?: ProgressDto; job?: JobDto };
      if (event === 'onJobEvent' && e.type === 'progress') progress.push(e.progress!);
      if (event === 'onJobEvent' && e.type === 'job') states.push(e.job!.state);
    });
    const [job] = t.studio.generation.enqueue(quickParams());
    const done = await settled(t.studio, job!.id);
    off();
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    expect(states).toEqual(expect.arrayContaining(['queued', 'loading', 'running', 'saving', 'done']));
    expect(progress.length).toBe(8);
    expect(progress.at(-1)).toMatchObject({ step: 8, total: 8 });
    expect(progress.at(-1)!.preview?.dataUrl).toMatch(/^data:image\/png;base64,/);
    expect(progress.every((p) => p.itPerSec > 0 && p.etaSeconds >= 0)).toBe(true);

    const result = done.result!;
    expect(result.speedup).toMatchObject({ basis: 'measured' }); // a baseline run measures itself
    expect(result.speedup!.value).toBeCloseTo(1, 6);
    expect(result.timings.unetLoop).toBeGreaterThan(0);
    expect(result.timings.total).toBeGreaterThanOrEqual(result.timings.unetLoop);

    const row = t.studio.db.generations.get(result.generationId)!;
    expect(row.status).toBe('complete');
    expect(row.speedup).toBeCloseTo(1, 6);
    const png = readFileSync(row.image!.path);
    const chunks = readTextChunks(png);
    expect(chunks.get('parameters')).toContain('Steps: 8');
    expect(chunks.get('parameters')).toContain('Seed: 42');
    expect(JSON.parse(chunks.get('dato-studio')!)).toMatchObject({ mode: 'baseline', provider: 'cpu' });

    const detail = t.studio.gallery.get(result.generationId);
    expect(detail.speedupDetail).toMatchObject({ basis: 'measured' });
    expect(detail.timings!.save).toBeGreaterThan(0);
    expect(t.studio.gallery.list({ limit: 10 }).items.map((i) => i.id)).toContain(result.generationId);
  });

  it('measures an accelerated run against the recorded baseline; estimates without one', async () => {
    const [measured] = t.studio.generation.enqueue(quickParams({ accel: { mode: 'cached', cacheInterval: 2 } }));
    const m = await settled(t.studio, measured!.id);
    expect(m.state).toBe('done');
    expect(m.result!.speedup!.basis).toBe('measured');
    expect(m.result!.schedule).toMatch(/S/);
    console.log('cached-2 speed-up vs measured baseline:', m.result!.speedup!.value.toFixed(2));

    const [estimated] = t.studio.generation.enqueue(quickParams({ steps: 6, accel: { mode: 'cached', cacheInterval: 2 } }));
    const e = await settled(t.studio, estimated!.id);
    expect(e.state).toBe('done');
    expect(e.result!.speedup!.basis).toBe('estimated'); // no baseline at 6 steps yet
    expect(e.result!.speedup!.value).toBeGreaterThan(1.2);
  });

  it('runs a batch as N jobs with seeds seed, seed+1, …', async () => {
    const jobs = t.studio.generation.enqueue(quickParams({ batchCount: 2, seed: { mode: 'fixed', value: 7 }, steps: 2 }));
    expect(jobs.map((j) => j.params.seed)).toEqual([7, 8]);
    const done = await Promise.all(jobs.map((j) => settled(t.studio, j.id)));
    expect(done.map((j) => j.state)).toEqual(['done', 'done']);
    const again = t.studio.generation.enqueue(quickParams({ seed: { mode: 'reuse-last' }, steps: 2 }));
    expect(again[0]!.params.seed).toBe(7);
    await settled(t.studio, again[0]!.id);
  });
});
