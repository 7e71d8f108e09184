// The calibration search's pure parts: the candidate space, moves, the Pareto front and picking a point.
import { describe, expect, it } from 'vitest';
import {
  adaptiveKey, adaptiveThresholdOf, ADAPTIVE_THRESHOLD_RANGE, nextAdaptiveThreshold, bestWithin, candidateFromKey, candidateKey, cautiousFidelity, imageFidelity, initialCandidates, neighbours, paretoFront,
  plainStepCounts, priorCandidates, tooFewSteps, validationOrder, warpedSchedule,
} from '../../../../main/engine/accel/calibration-search';
import { chooseFrontPoint, frontPointSettings, nearestCalibration } from '../../../../main/engine/accel/calibrated-choice';
import { planAcceleration } from '../../../../main/engine/accel/plan';
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
    // diagonal order: the counts nearest 4× (8, then 7 of 30) get several placements before far counts get one
    const first = initialCandidates(30).slice(0, 6).map((c) => countKinds(c.kinds).full);
    expect(first).toEqual([8, 8, 7, 8, 7, 9]);
  });

  it('plain step counts: ⌈steps / target⌉ for each target, at least 2, below the calibrated count, each once, most first', () => {
    const targets = [2.5, 3, 3.5, 4, 4.5, 5];
    expect(plainStepCounts(30, targets)).toEqual([12, 10, 9, 8, 7, 6]);
    expect(plainStepCounts(20, targets)).toEqual([8, 7, 6, 5, 4]);
    expect(plainStepCounts(6, targets)).toEqual([3, 2]);
    expect(plainStepCounts(2, targets)).toEqual([]);
  });

  it('prior schedules: resampled to the step count, each once, in the order given, the adaptive rule left out', () => {
    const priors = [
      { schedule: 'F,K,K,F,K,K,F,K,K,F,K,K', pruneRatio: 0 },
      { schedule: '', adaptiveThreshold: 0.3, pruneRatio: 0 },
      { schedule: 'FKKKKKFKKKKKFKKKKKFKKKKK', pruneRatio: 0 }, // the same placement at 24 steps: resampled to 12 it is the first one
      { schedule: 'F,K,K,F,K,K,F,K,K,F,K,K', pruneRatio: 0.5 },
    ];
    const out = priorCandidates(priors, 12);
    expect(out.map((c) => `${formatSchedule(c.kinds).replace(/,/g, '')}|${c.pruneRatio}`)).toEqual(['FKKFKKFKKFKK|0', 'FKKFKKFKKFKK|0.5']);
    const at30 = priorCandidates(priors, 30);
    expect(at30.length).toBeGreaterThanOrEqual(2); // the 12- and 24-step placements need not meet at 30
    for (const c of at30) {
      expect(c.kinds).toHaveLength(30);
      expect(countKinds(c.kinds).full).toBe(4);
      expect(c.kinds[0]).toBe('full');
    }
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

  it('too few steps to reach the slowest target with two full steps: one sentence naming the minimum', () => {
    expect(tooFewSteps(4, 2.5)).toBe('4 steps are too few to calibrate: a calibrated schedule keeps at least 2 full steps and '
      + 'aims at ≥ 2.5× fewer MACs, which needs ≥ 5 steps (sample 4 steps plainly, or calibrate --steps 5 or more).');
    expect(tooFewSteps(5, 2.5)).toBeUndefined();
    // five steps are enough: the first round has a schedule within 2.5× (2 full steps of 5)
    expect(initialCandidates(5).some((c) => countKinds(c.kinds).full * 2.5 <= 5)).toBe(true);
  });

  it('Pareto front and the best point under a cost', () => {
    const pts = [{ cost: 0.5, error: 3 }, { cost: 0.3, error: 5 }, { cost: 0.4, error: 6 }, { cost: 0.25, error: 9 }, { cost: 0.6, error: 1 }];
    expect(paretoFront(pts)).toEqual([pts[3], pts[1], pts[0], pts[4]]);
    expect(bestWithin(pts, 0.45)).toBe(pts[1]);
    expect(bestWithin(pts, 0.1)).toBeUndefined();
  });
});

describe('calibration fidelity', () => {
  it('an image counts the lower of its PSNR and what its foreground colour shift is worth', () => {
    expect(imageFidelity({ psnr: 38, colourShift: 0 })).toBe(38);
    expect(imageFidelity({ psnr: 100, colourShift: 0 })).toBe(100);
    // a shape read purple instead of blue on the demo model moved its mean colour by ≈ 50–190 RGB units
    expect(imageFidelity({ psnr: 25.1, colourShift: 49.6 })).toBeCloseTo(20 * Math.log10(255 / 49.6), 10);
    expect(imageFidelity({ psnr: 30, colourShift: 2 })).toBe(30); // a 2-unit shift is worth 42 dB
  });

  // Two schedules' images on six prompts. The spoiled images carry values measured on the demo model (DDIM 30,
  // 7 full steps crowded late: "a yellow square …" read orange, PSNR 18.7 dB, colour shift 124.4; "a large blue
  // square …" read purple, 25.1 dB, 49.6); the other images are typical values for 7–8 full steps of 30.
  const evenish = [38.2, 41.5, 35.0, 44.1, 29.8, 36.7].map((psnr) => ({ psnr, colourShift: 1.5 }));
  const lateCrowded = [52.0, 55.3, 49.8, 60.1, 18.7, 25.1].map((psnr, i) => ({ psnr, colourShift: [0.8, 0.6, 1.1, 0.4, 124.4, 49.6][i]! }));
  it('a schedule scores the mean of its worse half: one spoiled image outweighs near-perfect easy ones', () => {
    const mean = (v: { psnr: number }[]): number => v.reduce((a, x) => a + x.psnr, 0) / v.length;
    expect(mean(lateCrowded)).toBeGreaterThan(mean(evenish)); // what the old mean-PSNR objective preferred
    expect(cautiousFidelity(evenish)).toBeCloseTo((29.8 + 35.0 + 36.7) / 3, 10);
    expect(cautiousFidelity(lateCrowded)).toBeLessThan(cautiousFidelity(evenish));
    expect(cautiousFidelity([{ psnr: 40, colourShift: 0 }])).toBe(40);
  });

  it('validates the best few schedules of each target, the default target first, then the rest of the front', () => {
    const pts = [
      { key: 'a', cost: 0.24, error: -31 }, { key: 'b', cost: 0.23, error: -33 }, { key: 'c', cost: 0.25, error: -30 },
      { key: 'd', cost: 0.3, error: -36 }, { key: 'e', cost: 0.16, error: -25 }, { key: 'f', cost: 0.4, error: -45 },
    ];
    // 4× first (≤ 0.25 of the MACs: b, a), then 3× (d; b is listed), 6× (e), 2.5× (f; d is listed)
    expect(validationOrder(pts, [2.5, 3, 4, 6], 2)).toEqual(['b', 'a', 'd', 'e', 'f']);
    // one per target: c never makes it, and the search front (e, b, d, f) follows the targets' picks
    expect(validationOrder(pts, [4], 1)).toEqual(['b', 'e', 'd', 'f']);
  });
});

describe('choosing a calibrated schedule', () => {
  const front = [{ macSpeedup: 2.5, psnr: 38 }, { macSpeedup: 3.4, psnr: 35 }, { macSpeedup: 4.2, psnr: 33 }, { macSpeedup: 5, psnr: 30 }];
  it('the highest fidelity at or above the target (the slowest such point of the front), else the fastest', () => {
    expect(chooseFrontPoint(front, 4)).toBe(front[2]);
    expect(chooseFrontPoint(front, 3)).toBe(front[1]);
    expect(chooseFrontPoint(front, 9)).toBe(front[3]);
    // a front built on cautious fidelity may show a lower mean PSNR at a higher cost: the cost decides
    const cautious = [{ macSpeedup: 4.29, psnr: 33 }, { macSpeedup: 4.02, psnr: 32.5 }, { macSpeedup: 3.75, psnr: 38 }];
    expect(chooseFrontPoint(cautious, 4)).toBe(cautious[1]);
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

describe('the adaptive rule as a calibration candidate', () => {
  it('keys carry the threshold (3 significant digits) and are told apart from schedule keys', () => {
    expect(adaptiveKey(0.123456)).toBe('adaptive|0.123');
    expect(adaptiveThresholdOf(adaptiveKey(0.2))).toBe(0.2);
    expect(adaptiveThresholdOf(candidateKey({ kinds: ['full', 'skip'], pruneRatio: 0 }))).toBeUndefined();
  });

  it('bisects the threshold for a target speed-up on a recorded speed-up curve, and stops at the precision', () => {
    // speed-up grows with the threshold: a recorded curve, 3× at 0.16 and 4× at 0.25
    const curve = (t: number): number => 3 * (t / 0.16) ** (Math.log(4 / 3) / Math.log(0.25 / 0.16));
    const measured: { threshold: number; speedup: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const next = nextAdaptiveThreshold(measured, 4);
      if (next === undefined) break;
      expect(next).toBeGreaterThan(ADAPTIVE_THRESHOLD_RANGE.min);
      expect(next).toBeLessThan(ADAPTIVE_THRESHOLD_RANGE.max);
      measured.push({ threshold: next, speedup: curve(next) });
    }
    expect(measured.length).toBeLessThanOrEqual(8);
    const reaching = measured.filter((m) => m.speedup >= 4).sort((a, b) => a.threshold - b.threshold)[0]!;
    expect(reaching.threshold / 0.25).toBeLessThan(1.06);
    expect(reaching.threshold).toBeGreaterThanOrEqual(0.25 * 0.999);
    // contradicting measurements (noise): no bracket left, no further threshold
    expect(nextAdaptiveThreshold([{ threshold: 0.2, speedup: 4.2 }, { threshold: 0.3, speedup: 3.9 }], 4)).toBeUndefined();
  });

  it('a front point of the adaptive rule runs as the rule at its threshold (every step planned full, decided at run time)', () => {
    const point = { schedule: '', adaptiveThreshold: 0.25, pruneRatio: 0, macSpeedup: 4.1, psnr: 33 };
    expect(frontPointSettings(point)).toEqual({ adaptiveThreshold: 0.25, pruneRatio: 0 });
    const plan = planAcceleration({ mode: 'calibrated', ...frontPointSettings(point) }, 30);
    expect(plan.adaptive).toEqual({ threshold: 0.25 });
    expect(plan.forecast).toBe(true);
    expect(plan.kinds.every((k) => k === 'full')).toBe(true);
    expect(plan.pruneRatios.every((r) => r === 0)).toBe(true);
    // a schedule point still runs its schedule, and plain calibrated is not adaptive
    const scheduled = planAcceleration({ mode: 'calibrated', ...frontPointSettings({ schedule: 'F,K,K', pruneRatio: 0.3 }) }, 3);
    expect(scheduled.adaptive).toBeUndefined();
    expect(scheduled.kinds).toEqual(['full', 'skip', 'skip']);
    expect(planAcceleration({ mode: 'calibrated' }, 30).adaptive).toBeUndefined();
  });
});
