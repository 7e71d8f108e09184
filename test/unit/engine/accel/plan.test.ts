import { describe, expect, it } from 'vitest';
import { planAcceleration } from '../../../../main/engine/accel/plan';
import { countKinds } from '../../../../main/engine/accel/schedule';

describe('planAcceleration', () => {
  it('baseline: all full, no pruning, no dynamics', () => {
    const p = planAcceleration({ mode: 'baseline' }, 30);
    expect(countKinds(p.kinds)).toEqual({ full: 30, medium: 0, shallow: 0, skip: 0 });
    expect(p.pruneRatios.every((r) => r === 0)).toBe(true);
    expect(p.useDynamics).toBe(false);
  });

  it('cached: interval 3 by default, configurable', () => {
    expect(countKinds(planAcceleration({ mode: 'cached' }, 50).kinds)).toEqual({ full: 17, medium: 0, shallow: 33, skip: 0 });
    expect(countKinds(planAcceleration({ mode: 'cached', cacheInterval: 5 }, 50).kinds).full).toBe(10);
    expect(() => planAcceleration({ mode: 'cached', cacheInterval: 0 }, 50)).toThrow(/interval/);
  });

  it('dato: searched schedule, ratio 0.4 except on skip steps, dynamics on', () => {
    const p = planAcceleration({ mode: 'dato' }, 50);
    expect(countKinds(p.kinds)).toEqual({ full: 6, medium: 0, shallow: 37, skip: 7 });
    p.kinds.forEach((k, i) => expect(p.pruneRatios[i]).toBe(k === 'skip' ? 0 : 0.4));
    expect(p.useDynamics).toBe(true);
    expect([p.gamma, p.alpha, p.flip]).toEqual([0.1, 0.1, 0.5]);
  });

  it('prune: all full and pruned; the official code has no dynamics without caching', () => {
    const p = planAcceleration({ mode: 'prune' }, 20);
    expect(p.kinds.every((k) => k === 'full')).toBe(true);
    expect(p.pruneRatios.every((r) => r === 0.4)).toBe(true);
    expect(p.useDynamics).toBe(false);
  });

  it('custom: explicit schedule (resampled to the step count), per-step ratios, step 0 forced full', () => {
    const p = planAcceleration({ mode: 'custom', schedule: 'S,K,S,F', pruneRatio: [0.1, 0.2, 0.3, 0.5] }, 4);
    expect(p.kinds).toEqual(['full', 'skip', 'shallow', 'full']);
    expect(p.pruneRatios).toEqual([0.1, 0, 0.3, 0.5]);
    expect(() => planAcceleration({ mode: 'custom' }, 4)).toThrow(/schedule/);
  });

  it('refuses ratios that would prune base tokens and bad flip probabilities', () => {
    expect(() => planAcceleration({ mode: 'dato', pruneRatio: 0.75 }, 10)).toThrow(/out of range/);
    expect(() => planAcceleration({ mode: 'dato', pruneRatio: -0.1 }, 10)).toThrow(/out of range/);
    expect(() => planAcceleration({ mode: 'dato', flip: 2 }, 10)).toThrow(/flip/);
  });
});
