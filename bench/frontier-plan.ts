// The pure parts of the equal-time frontier (frontier.ts): which plain step counts to run, the interleaved
// order of the runs, and robust summaries of repeated timings (medians and spread, and whether the machine's
// load changed while the bench ran).
import { median } from '../main/common/stats';

/** Every plain step count below N down to ⌈N / 8⌉ (N itself is the baseline), largest first. */
export function plainStepCounts(steps: number): number[] {
  const lowest = Math.max(1, Math.ceil(steps / 8));
  return Array.from({ length: Math.max(0, steps - lowest) }, (_, i) => steps - 1 - i);
}

export interface Slot { readonly image: number; readonly run: number }

/**
 * Round-robin: every run once per image before the next image starts, so load that comes and goes spreads
 * over all runs instead of landing on whichever mode was running then. The start rotates with the image so
 * no run always follows the same neighbour or always goes first after a pause.
 */
export function interleavedOrder(runs: number, images: number): Slot[] {
  const order: Slot[] = [];
  for (let image = 0; image < images; image++) {
    for (let i = 0; i < runs; i++) order.push({ image, run: (i + image) % runs });
  }
  return order;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range (p75 − p25, linear interpolation). */
  readonly iqr: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf: no values');
  const s = [...values].sort((a, b) => a - b);
  return { median: median(s), min: s[0]!, max: s[s.length - 1]!, iqr: quantile(s, 0.75) - quantile(s, 0.25) };
}

export interface LoadCheck {
  readonly loadavg_before: number;
  readonly loadavg_after: number;
  /** Baseline UNet-loop seconds of the first and second half of the images (same work every time). */
  readonly baseline_first_half_s: number;
  readonly baseline_second_half_s: number;
  /** (max − min) / median of all baseline timings. */
  readonly baseline_relative_range: number;
  readonly changed: boolean;
  readonly note: string;
}

/** The baseline halves differing by more than this fraction means the machine got faster or slower mid-run. */
export const DRIFT_LIMIT = 0.15;

/**
 * Did the machine's load change during the bench? Two witnesses: the 1-minute load average before and after
 * (a change of half a core or more), and the baseline's own timings, which repeat the same work on every
 * image (their first and second halves differ by more than DRIFT_LIMIT).
 */
export function checkLoad(baselineSeconds: readonly number[], loadBefore: number, loadAfter: number): LoadCheck {
  const half = Math.floor(baselineSeconds.length / 2);
  const first = median(baselineSeconds.slice(0, Math.max(1, half)));
  const second = median(baselineSeconds.slice(half));
  const all = spreadOf(baselineSeconds);
  const drift = Math.abs(second / first - 1);
  const loadMoved = Math.abs(loadAfter - loadBefore) >= 0.5;
  const reasons: string[] = [];
  if (drift > DRIFT_LIMIT) reasons.push(`baseline UNet loop ${first.toFixed(2)} s in the first half of the images, ${second.toFixed(2)} s in the second`);
  if (loadMoved) reasons.push(`1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
  const changed = reasons.length > 0;
  return {
    loadavg_before: loadBefore, loadavg_after: loadAfter, baseline_first_half_s: first, baseline_second_half_s: second,
    baseline_relative_range: (all.max - all.min) / all.median, changed,
    note: changed
      ? `The machine's load changed during the run (${reasons.join('; ')}): measured speed-ups are noisy; the MAC speed-ups and PSNRs are not affected.`
      : 'The machine\'s load stayed steady during the run.',
  };
}
