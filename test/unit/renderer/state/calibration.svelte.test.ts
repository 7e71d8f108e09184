// A front point and the plain run it is judged against (plainAtSameCost): the fastest measured plain step
// count whose cost is at least the point's; none when every plain run is cheaper; preset names.
import { describe, expect, test } from 'vitest';
import type { FrontPointDto, PlainPointDto } from '../../../../preload/contract';
import { plainAtSameCost, pointName } from '../../../../renderer/src/state/calibration.svelte';

// DDIM 30: ⌈30 / target⌉ steps for targets 2.5…5
const plain: PlainPointDto[] = [12, 10, 9, 8, 7, 6].map((steps) => ({ steps, macSpeedup: 30 / steps, psnr: 20 + steps }));
const point = (macSpeedup: number): FrontPointDto => ({ schedule: 'F,K', pruneRatio: 0, macSpeedup, psnr: 36.21 });

describe('plainAtSameCost', () => {
  test('⌈steps / speed-up⌉ steps when measured: the same or a higher cost, never a cheaper run', () => {
    expect(plainAtSameCost(plain, point(30 / 7))?.steps).toBe(7); // 4.29×: DDIM 7 exactly
    expect(plainAtSameCost(plain, point(4))?.steps).toBe(8); // 7.5 steps' cost: DDIM 8
    expect(plainAtSameCost(plain, point(7.3))?.steps).toBe(6); // beyond the line: its fastest run, which costs more
  });

  test('none when every plain run is cheaper than the point', () => {
    expect(plainAtSameCost(plain, point(2))).toBeNull();
    expect(plainAtSameCost([], point(4))).toBeNull();
  });

  test('a point is named by its speed-up and fidelity', () => {
    expect(pointName(point(30 / 7))).toBe('4.3×, 36 dB');
  });
});
