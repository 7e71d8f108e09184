// The Compare form (CompareState): the variants always start with Baseline, the one problem shown before
// anything runs, what `start` sends, and comparisons kept current from events.
import { describe, expect, test } from 'vitest';
import { LIMITS, type CompareParams, type ComparisonDto, type PresetDto } from '../../../../preload/contract';
import { CompareState } from '../../../../renderer/src/state/compare.svelte';
import { PresetsState } from '../../../../renderer/src/state/presets.svelte';
import { fakeApi } from './fake-api';

const PRESETS: PresetDto[] = [
  { id: 1, name: 'Baseline', builtin: true, accel: { mode: 'baseline' } },
  { id: 2, name: 'Cached-only', builtin: true, accel: { mode: 'cached', cacheInterval: 3 } },
  { id: 3, name: 'DaTo', builtin: true, accel: { mode: 'dato', pruneRatio: 0.4 } },
  { id: 4, name: 'Mine', builtin: false, accel: { mode: 'custom', schedule: 'F,S,K' } },
];
const comparison = (id: number, state: 'running' | 'done'): ComparisonDto => ({
  id, createdAt: id, prompt: 'p', seed: 7, width: 128, height: 128, sampler: 'ddim', steps: 12, baselineGenerationId: null,
  members: [{
    jobId: `j${id}`, generationId: null, accel: { mode: 'baseline' }, state, wallSeconds: null, unetSeconds: null, speedup: null, psnr: null,
    hasHeatmap: false, equalTime: null,
  }],
});

async function setUp(compareStart?: (p: CompareParams) => Promise<ComparisonDto>) {
  const fake = fakeApi({
    generation: { presets: async () => PRESETS },
    compare: { start: compareStart ?? (async () => comparison(1, 'running')), list: async () => [] },
  });
  const presets = new PresetsState(fake.api);
  await presets.load();
  return { ...fake, compare: new CompareState(fake.api, presets) };
}

describe('CompareState', () => {
  test('starting from the Generate form picks the built-in Cached-only and DaTo, after Baseline', async () => {
    const { compare } = await setUp();
    compare.initFrom({
      modelId: null, prompt: 'a red circle', negativePrompt: '', accel: { mode: 'dato' }, sampler: 'euler', steps: 12, cfg: 5,
      width: 128, height: 128, seed: { mode: 'fixed', value: 42 }, batchCount: 1,
    });
    expect(compare.variants).toEqual([{ mode: 'baseline' }, { mode: 'cached', cacheInterval: 3 }, { mode: 'dato', pruneRatio: 0.4 }]);
    expect(compare.seed).toBe(42);
    expect(compare.problem).toBeNull();
  });

  test('what the user typed before the app finished loading is kept; the untouched fields are filled', async () => {
    const { compare } = await setUp();
    compare.prompt = 'a yellow star';
    compare.seed = 42;
    compare.steps = 20;
    compare.toggle(4, true);
    compare.initFrom({
      modelId: null, prompt: 'a red circle', negativePrompt: 'blurry', accel: { mode: 'dato' }, sampler: 'euler', steps: 12, cfg: 5,
      width: 128, height: 128, seed: { mode: 'fixed', value: 7 }, batchCount: 1,
    });
    expect([compare.prompt, compare.seed, compare.steps]).toEqual(['a yellow star', 42, 20]);
    expect(compare.variants).toEqual([{ mode: 'baseline' }, { mode: 'custom', schedule: 'F,S,K' }]);
    expect([compare.negativePrompt, compare.sampler, compare.cfg, compare.width, compare.height]).toEqual(['blurry', 'euler', 5, 128, 128]);
  });

  test('one problem at a time: nothing to compare with, too many steps, a bad size', async () => {
    const { compare } = await setUp();
    expect(compare.problem).toMatch(/at least one preset/);
    compare.toggle(4, true);
    expect(compare.problem).toBeNull();
    compare.steps = LIMITS.maxSteps + 1;
    expect(compare.problem).toMatch(new RegExp(`from ${LIMITS.minSteps} to ${LIMITS.maxSteps}`));
    compare.steps = 20;
    compare.width = 100;
    expect(compare.problem).not.toBeNull();
    compare.toggle(4, false);
    expect(compare.variants).toHaveLength(1);
  });

  test('start sends the fixed seed and the variants; events keep the current comparison and the list fresh', async () => {
    const sent: CompareParams[] = [];
    const { compare, emit } = await setUp(async (p) => { sent.push(p); return comparison(1, 'running'); });
    compare.toggle(3, true);
    compare.seed = 9;
    await compare.start();
    expect(sent[0]!.params.seed).toEqual({ mode: 'fixed', value: 9 });
    expect(sent[0]!.variants.map((v) => v.mode)).toEqual(['baseline', 'dato']);
    expect(compare.running).toBe(true);

    emit('onComparisonEvent', { comparison: comparison(1, 'done') });
    emit('onComparisonEvent', { comparison: comparison(2, 'running') });
    expect(compare.running).toBe(false);
    expect(compare.past.map((c) => c.id)).toEqual([2, 1]);
  });
});
