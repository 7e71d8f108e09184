// Steady-state UNet time: each evaluation at its kind's median, so one slow first use per graph variant
// (shader compilation) does not count, while every evaluation still does.
import { describe, expect, it } from 'vitest';
import { median } from '../../../main/common/stats';
import { steadyLoopSeconds } from '../../../main/services/steady-time';

describe('steadyLoopSeconds', () => {
  it('replaces warm-up outliers by the median of their kind', () => {
    const warm = [{ kind: 'full', seconds: 0.9 }, ...Array.from({ length: 29 }, () => ({ kind: 'full', seconds: 0.01 }))];
    expect(steadyLoopSeconds(warm)).toBeCloseTo(0.3, 10);
    const mixed = [
      { kind: 'full', seconds: 0.5 }, { kind: 'shallow', seconds: 0.4 }, { kind: 'shallow', seconds: 0.02 },
      { kind: 'full', seconds: 0.1 }, { kind: 'shallow', seconds: 0.02 }, { kind: 'full', seconds: 0.1 }, { kind: 'skip', seconds: 0 },
    ];
    expect(steadyLoopSeconds(mixed)).toBeCloseTo(3 * 0.1 + 3 * 0.02, 10);
  });
  it('median handles even counts and empty input', () => {
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});
