// The frontier's pure parts: which plain step counts run, the interleaved order, medians and spread, and
// the load-change check.
import { describe, expect, it } from 'vitest';
import { checkLoad, DRIFT_LIMIT, interleavedOrder, plainStepCounts, spreadOf } from '../../../bench/frontier-plan';

describe('plainStepCounts', () => {
  it('lists every count from N−1 down to ⌈N/8⌉', () => {
    expect(plainStepCounts(30)).toEqual([29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(plainStepCounts(20)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(plainStepCounts(8)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(plainStepCounts(1)).toEqual([]);
  });
});

describe('interleavedOrder', () => {
  it('runs every run once per image before the next image, rotating the start', () => {
    const order = interleavedOrder(3, 4);
    expect(order.map((s) => `${s.image}:${s.run}`)).toEqual([
      '0:0', '0:1', '0:2', '1:1', '1:2', '1:0', '2:2', '2:0', '2:1', '3:0', '3:1', '3:2',
    ]);
  });

  it('covers every (image, run) pair exactly once', () => {
    const order = interleavedOrder(31, 32);
    expect(order).toHaveLength(31 * 32);
    expect(new Set(order.map((s) => `${s.image}:${s.run}`)).size).toBe(31 * 32);
    // No run is always first in its image's round.
    expect(new Set(order.filter((_, i) => i % 31 === 0).map((s) => s.run)).size).toBe(31);
  });
});

describe('spreadOf', () => {
  it('gives median, range and interquartile range', () => {
    expect(spreadOf([5, 1, 3, 2, 4])).toEqual({ median: 3, min: 1, max: 5, iqr: 2 });
    expect(spreadOf([1, 2, 3, 4])).toEqual({ median: 2.5, min: 1, max: 4, iqr: 1.5 });
    expect(spreadOf([7])).toEqual({ median: 7, min: 7, max: 7, iqr: 0 });
    expect(() => spreadOf([])).toThrow();
  });
});

describe('checkLoad', () => {
  it('says steady when the baseline repeats its time and the load average stays', () => {
    const c = checkLoad([1.0, 1.02, 0.98, 1.01, 0.99, 1.0], 2.1, 2.3);
    expect(c.changed).toBe(false);
    expect(c.note).toMatch(/steady/);
  });

  it('flags a baseline that got slower in the second half', () => {
    const c = checkLoad([1.0, 1.0, 1.0, 1.0 + 2 * DRIFT_LIMIT, 1.0 + 2 * DRIFT_LIMIT, 1.0 + 2 * DRIFT_LIMIT], 2, 2);
    expect(c.changed).toBe(true);
    expect(c.baseline_first_half_s).toBe(1);
    expect(c.note).toMatch(/first half/);
  });

  it('flags a load average that moved by half a core', () => {
    const c = checkLoad([1, 1, 1, 1], 1.0, 3.0);
    expect(c.changed).toBe(true);
    expect(c.note).toMatch(/load average 1\.00 before, 3\.00 after/);
  });
});
