// The calibration search's pure parts: the candidate space, moves, the Pareto front and picking a point.
import { describe, expect, it } from 'vitest';
import {
  bestWithin, candidateFromKey, candidateKey, initialCandidates, neighbours, paretoFront, warpedSchedule,
} from '../../../../main/engine/accel/calibration-search';
import { chooseFrontPoint, nearestCalibration } from '../../../../main/engine/accel/calibrated-choice';
import { demoGrammarPrompts } from '../../../../main/engine/accel/calibration-prompts';
import { countKinds, formatSchedule } from '../../../../main/engine/accel/schedule';

describe('calibration search space', () => {
  it('warped placements: step 0 full, the requested number of full steps, warp 1 evenly spaced', () => {
    expect(formatSchedule(warpedSchedule(12, 4, 1)).replace(/,/g, '')).toBe('FKKFKKFKKFKK');
    const late = warpedSchedule(30, 8, 0.6);
    const early = warpedSchedule(30, 8, 2);
    expect(countKinds(late).full).toBe(8);
    expect(early.lastIndexOf('full')).toBeLessThan(late.lastIndexOf('full'));
    expect(initialCandidates(30).every((c) => c.kinds[0] === 'full' && c.kinds.length === 30)).toBe(true);
  });

  it('candidate keys round-trip; moves keep step 0 full and the length', () => {
    const c = { kinds: warpedSchedule(30, 6, 1.25), pruneRatio: 0.3 };
    expect(candidateFromKey(candidateKey(c))).toEqual(c);
    const moves = neighbours(c, [0, 0.3, 0.5]);
    expect(moves.length).toBeGreaterThan(10);
    for (const m of moves) {
      expect(m.kinds[0]).toBe('full');
      expect(m.kinds).toHaveLength(30);
    }
    expect(moves[0]!.pruneRatio).toBe(0.3); // full-step moves come first
    expect(countKinds(moves[0]!.kinds).full).toBe(6);
  });

  it('Pareto front and the best point under a cost', () => {
    const pts = [{ cost: 0.5, error: 3 }, { cost: 0.3, error: 5 }, { cost: 0.4, error: 6 }, { cost: 0.25, error: 9 }, { cost: 0.6, error: 1 }];
    expect(paretoFront(pts)).toEqual([pts[3], pts[1], pts[0], pts[4]]);
    expect(bestWithin(pts, 0.45)).toBe(pts[1]);
    expect(bestWithin(pts, 0.1)).toBeUndefined();
  });
});

describe('choosing a calibrated schedule', () => {
  const front = [{ macSpeedup: 2.5, psnr: 38 }, { macSpeedup: 3.4, psnr: 35 }, { macSpeedup: 4.2, psnr: 33 }, { macSpeedup: 5, psnr: 30 }];
  it('the highest fidelity at or above the target, else the fastest', () => {
    expect(chooseFrontPoint(front, 4)).toBe(front[2]);
    expect(chooseFrontPoint(front, 3)).toBe(front[1]);
    expect(chooseFrontPoint(front, 9)).toBe(front[3]);
  });
  it('the nearest stored calibration within 2× in steps and pixels', () => {
    const stored = [{ steps: 30, width: 128, height: 128, front }, { steps: 50, width: 128, height: 128, front }, { steps: 20, width: 512, height: 512, front }];
    expect(nearestCalibration(stored, { steps: 30, width: 128, height: 128 })).toBe(stored[0]);
    expect(nearestCalibration(stored, { steps: 45, width: 128, height: 128 })).toBe(stored[1]);
    expect(nearestCalibration(stored, { steps: 20, width: 128, height: 128 })).toBe(stored[0]);
    expect(nearestCalibration(stored, { steps: 100, width: 128, height: 128 })).toBe(stored[1]);
    expect(nearestCalibration(stored, { steps: 30, width: 1024, height: 1024 })).toBe(stored[2]);
    expect(nearestCalibration(stored, { steps: 200, width: 128, height: 128 })).toBeUndefined();
  });
});

describe('built-in demo calibration prompts', () => {
  it('come from the caption grammar, deterministic, shape and background colours differ', () => {
    const a = demoGrammarPrompts(12);
    expect(a).toEqual(demoGrammarPrompts(12));
    expect(new Set(a).size).toBe(12);
    for (const p of a) expect(p).toMatch(/(circle|square|triangle|ring)/);
  });
});
