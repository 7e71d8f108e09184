// The adaptive rule's decisions on a recorded signal: relative L1 changes of the head's output accumulate
// since the last full step; reaching the threshold makes the step full and starts over.
import { describe, expect, it } from 'vitest';
import { AdaptiveRule, relativeL1 } from '../../../../main/engine/accel/adaptive';
import { planAcceleration } from '../../../../main/engine/accel/plan';
import { formatSchedule } from '../../../../main/engine/accel/schedule';

/** Head outputs whose successive relative L1 changes are exactly `changes` (scaled copies of one vector). */
function recording(changes: readonly number[]): Float32Array[] {
  const out = [Float32Array.from([1, -2, 3, -4])];
  for (const c of changes) out.push(out[out.length - 1]!.map((v) => v * (1 + c)));
  return out;
}

describe('adaptive rule', () => {
  it('relativeL1 is Σ|a−b| / Σ|b|', () => {
    expect(relativeL1(Float32Array.from([2, -4]), Float32Array.from([1, -2]))).toBeCloseTo(1, 12);
    expect(relativeL1(Float32Array.from([0, 0]), Float32Array.from([0, 0]))).toBe(0);
  });

  it('full first, then full whenever the accumulated change reaches the threshold', () => {
    const changes = [0.1, 0.1, 0.1, 0.05, 0.3, 0.02, 0.02, 0.02, 0.02, 0.5];
    const rule = new AdaptiveRule({ threshold: 0.25 });
    const kinds = formatSchedule(recording(changes).map((h) => rule.decide(h))).replace(/,/g, '');
    // accumulated: .1 .2 .3→F | .05 .35→F | .02 .04 .06 .08 .58→F
    expect(kinds).toBe('FKKFKFKKKKF');
  });

  it('a higher threshold never chooses more full steps; reset starts over', () => {
    const changes = Array.from({ length: 29 }, (_, k) => 0.02 + 0.01 * Math.sin(k));
    const count = (t: number): number => {
      const rule = new AdaptiveRule({ threshold: t });
      return recording(changes).filter((h) => rule.decide(h) === 'full').length;
    };
    expect(count(0.05)).toBeGreaterThanOrEqual(count(0.1));
    expect(count(0.1)).toBeGreaterThanOrEqual(count(0.3));
    const rule = new AdaptiveRule({ threshold: 0.1 });
    const first = recording(changes).map((h) => rule.decide(h));
    rule.reset();
    expect(recording(changes).map((h) => rule.decide(h))).toEqual(first);
  });

  it('planAcceleration: adaptive plans forecast, carry the threshold and reject a bad one', () => {
    const p = planAcceleration({ mode: 'adaptive', adaptiveThreshold: 0.4 }, 30);
    expect(p.adaptive).toEqual({ threshold: 0.4 });
    expect(p.forecast).toBe(true);
    expect(() => planAcceleration({ mode: 'adaptive', adaptiveThreshold: 0 }, 30)).toThrow(/threshold/);
    expect(planAcceleration({ mode: 'dato' }, 50).forecast).toBe(false);
  });
});
