// The medium step (schedule letter M): every full-resolution block recomputed on the cached output of the
// deep middle. When that cached output is the current one (same inputs as the full step that stored it), a
// medium step must equal the full UNet; and it must match the official full call it follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNetRunner } from '../../main/engine/pipeline/unet-runner';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { maxAbsDiff, refArray, report } from '../helpers/numeric';
import { openTinyReference } from '../helpers/runtimes';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openTinyReference(); });
afterAll(async () => { await rt.dispose(); });

describe('medium step on the tiny reference', () => {
  it('equals the full UNet when the cached core output is current (max abs ≤ 1e-5)', async () => {
    const x = refArray('unet_call0_x.npy');
    const [b, , h, w] = x.shape as [number, number, number, number];
    const inputs = {
      x: x.data, timesteps: [...refArray('unet_call0_t.npy').data], context: refArray('unet_call0_context.npy').data, contextLength: 77,
    };
    const runner = new UNetRunner(rt.model, rt.sessions, rt.variant, b, h, w);
    const full = await runner.evaluate('full', inputs);
    const medium = await runner.evaluate('medium', inputs);
    expect(medium.kind).toBe('medium');
    expect(medium.stats.segments).not.toContain('core');
    const err = maxAbsDiff(medium.eps, full.eps);
    report('medium vs full (current core output)', { maxAbs: err, vsOfficial: maxAbsDiff(medium.eps, refArray('unet_call0_eps.npy').data) });
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(medium.eps, refArray('unet_call0_eps.npy').data)).toBeLessThanOrEqual(1e-4);
  });

  it('with nothing cached yet, runs an honest full evaluation', async () => {
    const x = refArray('unet_call1_x.npy');
    const [b, , h, w] = x.shape as [number, number, number, number];
    const runner = new UNetRunner(rt.model, rt.sessions, rt.variant, b, h, w);
    const r = await runner.evaluate('medium', {
      x: x.data, timesteps: [...refArray('unet_call1_t.npy').data], context: refArray('unet_call1_context.npy').data, contextLength: 77,
    });
    expect(r.kind).toBe('full');
    expect(maxAbsDiff(r.eps, refArray('unet_call1_eps.npy').data)).toBeLessThanOrEqual(1e-4);
  });
});
