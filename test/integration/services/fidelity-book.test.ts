// Quality is never hidden behind speed: an accelerated Generate run with a same-seed baseline in the library
// reports its PSNR against it (whichever ran first), and the preset's fidelity on this model, sampler and
// steps is known from those runs and from comparisons (with the "fewer steps, same time" verdicts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISIBLE_DIFFERENCE_DB } from '../../../preload/contract';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

describe('fidelity book', () => {
  let t: TestStudio;
  beforeAll(async () => { t = await openTestStudio(); });
  afterAll(async () => { await t?.close(); });

  const run = async (mode: 'baseline' | 'dato-fast', seed: number) => {
    const [job] = t.studio.generation.enqueue(quickParams({ accel: { mode }, steps: 12, seed: { mode: 'fixed', value: seed } }));
    const done = await settled(t.studio, job!.id);
    expect(done.state).toBe('done');
    return done.result!;
  };

  it('measures an accelerated run against its same-seed baseline, in either order', async () => {
    expect((await run('dato-fast', 5)).fidelity).toBeNull(); // no baseline yet
    const baseline = await run('baseline', 5);
    expect(baseline.fidelity).toBeNull(); // the reference itself
    const earlier = t.studio.db.generations.listWithPsnr(t.studio.models.demoId, 'ddim', 12);
    expect(earlier).toHaveLength(1); // the earlier dato-fast run got its PSNR when the baseline arrived
    const later = await run('dato-fast', 5);
    console.log(`dato-fast, DDIM 12, seed 5: ${later.fidelity?.psnr?.toFixed(2)} dB vs the same-seed baseline`);
    expect(later.fidelity).toMatchObject({ baselineGenerationId: baseline.generationId });
    expect(later.fidelity!.psnr).toBeGreaterThan(5);
    expect(later.fidelity!.psnr).toBeCloseTo(earlier[0]!.psnrVsBaseline!, 6); // deterministic engine, same seed
    // Another seed has no baseline: nothing to say.
    expect((await run('dato-fast', 6)).fidelity).toBeNull();
  });

  it('summarises each preset that has measured runs', () => {
    const presets = t.studio.generation.presets();
    const fast = presets.find((p) => p.builtin && p.accel.mode === 'dato-fast')!;
    const known = t.studio.generation.presetFidelity({ modelId: null, sampler: 'ddim', steps: 12 });
    expect(known.map((k) => k.presetId)).toEqual([fast.id]);
    const f = known[0]!;
    const psnr = t.studio.db.generations.listWithPsnr(t.studio.models.demoId, 'ddim', 12)[0]!.psnrVsBaseline!;
    expect(f).toMatchObject({ runs: 2, equalTimeJudged: 0, fewerStepsKeptMore: 0, costsFidelity: psnr < VISIBLE_DIFFERENCE_DB });
    expect(f.medianPsnr).toBeCloseTo(psnr, 6);
    expect(t.studio.generation.presetFidelity({ modelId: null, sampler: 'ddim', steps: 13 })).toEqual([]);
  });
});
