// "Fewer steps, same time": ⌈N / speed-up⌉ plain steps, within 1..N.
import { describe, expect, it } from 'vitest';
import { equalTimeSteps, keptMore, TIE_DB } from '../../../main/services/equal-time';

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

describe('keptMore', () => {
  it('names the run with the higher PSNR vs the baseline, a tie within TIE_DB', () => {
    expect(keptMore(34.2, 32.4)).toBe('variant');
    expect(keptMore(28.5, 29.5)).toBe('fewer-steps');
    expect(keptMore(30, 30 + TIE_DB / 2)).toBe('tie');
  });

  it('treats the baseline itself (identical, Infinity) as keeping more than any variant', () => {
    expect(keptMore(52.1, Infinity)).toBe('fewer-steps');
    expect(keptMore(Infinity, Infinity)).toBe('tie');
  });
});
