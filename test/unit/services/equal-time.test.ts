// "Fewer steps, same time": ⌈N / speed-up⌉ plain steps, within 1..N.
import { describe, expect, it } from 'vitest';
import { equalTimeSteps } from '../../../main/services/equal-time';

describe('equalTimeSteps', () => {
  it('rounds N / speed-up up', () => {
    expect(equalTimeSteps(30, 2.5)).toBe(12);
    expect(equalTimeSteps(30, 3.94)).toBe(8);
    expect(equalTimeSteps(30, 5.09)).toBe(6);
    expect(equalTimeSteps(20, 3)).toBe(7);
  });

  it('does not let floating-point noise add a step', () => {
    expect(equalTimeSteps(30, 1.5)).toBe(20);
    expect(equalTimeSteps(30, 3)).toBe(10);
  });

  it('stays within 1..N', () => {
    expect(equalTimeSteps(30, 0.8)).toBe(30);
    expect(equalTimeSteps(30, 1)).toBe(30);
    expect(equalTimeSteps(30, 100)).toBe(1);
    expect(equalTimeSteps(30, Number.NaN)).toBe(30);
    expect(equalTimeSteps(30, 0)).toBe(30);
  });
});
