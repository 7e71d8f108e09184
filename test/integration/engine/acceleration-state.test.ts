// The acceleration state behind txt2img(): forecast reuse in the calibrated/adaptive modes, the adaptive
// rule's run-time choices, and reset() between generations (a second run repeats the first exactly).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration, type AccelSettings } from '../../../main/engine/accel/plan';
import type { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { txt2img, type Txt2ImgResult } from '../../../main/engine/pipeline/txt2img';
import { maxAbsDiff, relL2 } from '../../helpers/numeric';
import { openDemoModel } from '../../helpers/runtimes';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openDemoModel(); });
afterAll(async () => { await rt.dispose(); });

const STEPS = 12;
const run = (settings: AccelSettings, steps = STEPS): Promise<Txt2ImgResult> => txt2img(rt, {
  prompt: 'a large red circle on a blue background', negativePrompt: '', sampler: 'ddim', steps, cfg: 5, eta: 0,
  width: 128, height: 128, seed: 3, images: 1, accel: planAcceleration(settings, steps), previewEvery: 0,
});

describe('acceleration state', () => {
  it('calibrated: all-full equals the baseline; forecast skips differ from repeated ones and are closer to the baseline', async () => {
    const base = await run({ mode: 'baseline' });
    const allFull = await run({ mode: 'calibrated', schedule: 'F'.repeat(STEPS) });
    expect(maxAbsDiff(allFull.latents, base.latents)).toBe(0);
    const schedule = 'FKKFKKFKKFKK';
    const forecast = await run({ mode: 'calibrated', schedule });
    const repeated = await run({ mode: 'custom', schedule });
    expect(forecast.steps.map((s) => s.kind)).toEqual(repeated.steps.map((s) => s.kind));
    expect(maxAbsDiff(forecast.latents, repeated.latents)).toBeGreaterThan(1e-3);
    expect(relL2(forecast.latents, base.latents)).toBeLessThan(relL2(repeated.latents, base.latents));
  });

  it('adaptive: the first step is full, later ones are chosen at run time, and a second run repeats the first', async () => {
    const a = await run({ mode: 'adaptive', adaptiveThreshold: 0.16 }, 30);
    const kinds = a.steps.map((s) => s.kind);
    expect(kinds[0]).toBe('full');
    expect(kinds.filter((k) => k === 'skip').length).toBeGreaterThan(5);
    expect(kinds.filter((k) => k === 'full').length).toBeGreaterThan(3);
    const b = await run({ mode: 'adaptive', adaptiveThreshold: 0.16 }, 30);
    expect(b.steps.map((s) => s.kind)).toEqual(kinds);
    expect(maxAbsDiff(b.latents, a.latents)).toBe(0);
    const fewer = await run({ mode: 'adaptive', adaptiveThreshold: 0.5 }, 30);
    expect(fewer.steps.filter((s) => s.kind === 'full').length).toBeLessThan(kinds.filter((k) => k === 'full').length);
  });
});
