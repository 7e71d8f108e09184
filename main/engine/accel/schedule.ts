// Step schedules: for every UNet evaluation, whether it runs the whole UNet (`full`), every full-resolution
// block on the cached output of the deep middle (`medium`), only the outer branch on cached deep features
// (`shallow`), or reuses the previous noise prediction (`skip`).
// Semantics of the official DaTo/DeepCache helper (shared/reference/tiny-sd1/README.md §7.1): evaluation 0
// is always full; evaluation k ≥ 1 reads strategy[k−1] with ≥2 → full, 1 → shallow, 0 → skip.

import { stepKindOfLetter, type StepKind } from '../../../preload/contract/vocabulary';

export { countKinds, formatSchedule, STEP_KINDS, type StepKind } from '../../../preload/contract/vocabulary';

/** The searched 50-step strategy of the official code (search_depth.py result; reference `dato`). */
export const DATO_SEARCHED_STRATEGY: readonly number[] = [
  0, 1, 1, 1, 1, 1, 11, 1, 1, 1, 1, 1, 1, 1, 0, 0, 11, 1, 1, 1, 0, 11, 1, 0, 1, 1, 1, 1, 1, 11,
  0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 11, 1, 1, 1, 1, 1, 1, 1, 1, 1,
];

/** The released COCO-30k strategy (run_command9: 51 PLMS calls, 5 full, 21 shallow, 25 skip). */
export const DATO_COCO_STRATEGY: readonly number[] = [
  1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 12, 1, 0, 0, 0, 1, 1, 0, 1, 0, 12, 0, 0, 0, 0, 0, 0,
  1, 0, 1, 0, 1, 12, 0, 0, 0, 0, 0, 0, 1, 0, 1, 12, 0, 1, 0, 1,
];

/** Official encoding → one kind per evaluation (length strategy.length + 1). */
export function kindsFromStrategy(strategy: readonly number[]): StepKind[] {
  return ['full', ...strategy.map((d): StepKind => (d >= 2 ? 'full' : d === 1 ? 'shallow' : 'skip'))];
}

export const cachedKinds = (steps: number, interval: number): StepKind[] =>
  Array.from({ length: steps }, (_, k) => (k % interval === 0 ? 'full' : 'shallow'));

/**
 * Stretch or squeeze a schedule to `steps` evaluations, keeping its shape in normalised time τ ∈ [0, 1).
 * Source entry j covers [j/m, (j+1)/m); target step k covers [k/n, (k+1)/n). Step k is
 *   full    if a full entry *starts* inside its interval (so each full appears exactly once: a full
 *           step refreshes the cache, repeating it buys nothing; step 0 is always full),
 *   medium  otherwise, if a medium entry starts inside its interval (the same reasoning one level down),
 *   skip    otherwise, if at least half of its interval is covered by skip entries,
 *   shallow otherwise.
 * For n = m this is the identity; for n = 2m each skip entry becomes two skips; for n = m/2 a step
 * skips when one of its two entries skips.
 */
export function resampleKinds(source: readonly StepKind[], steps: number): StepKind[] {
  const m = source.length;
  if (m === steps) return [...source];
  return Array.from({ length: steps }, (_, k): StepKind => {
    const lo = (k * m) / steps;
    const hi = ((k + 1) * m) / steps;
    if (k === 0) return 'full';
    for (let j = Math.ceil(lo); j < hi; j++) if (source[j] === 'full') return 'full';
    for (let j = Math.ceil(lo); j < hi; j++) if (source[j] === 'medium') return 'medium';
    let skipCover = 0;
    for (let j = Math.floor(lo); j < hi; j++) {
      if (source[j] === 'skip') skipCover += Math.min(hi, j + 1) - Math.max(lo, j);
    }
    return skipCover * 2 >= hi - lo ? 'skip' : 'shallow';
  });
}

/** Resample per-step values (e.g. prune ratios) by the value at each target step's midpoint. */
export function resampleValues(source: readonly number[], steps: number): number[] {
  return Array.from({ length: steps }, (_, k) => source[Math.min(source.length - 1, Math.floor(((k + 0.5) * source.length) / steps))]!);
}

const LETTERS_HELP = 'F (full), M (medium), S (shallow) and K or . (skip)';

/** `F,M,S,K,...` (commas optional; `.` also means skip) → kinds. Throws a user-facing message. */
export function parseScheduleString(text: string): StepKind[] {
  const letters = text.replace(/[\s,]/g, '').toUpperCase();
  if (!letters) throw new Error(`The schedule is empty: use letters ${LETTERS_HELP}, e.g. "F,S,M,S,F".`);
  return [...letters].map((c, i): StepKind => {
    const kind = c === '.' ? 'skip' : stepKindOfLetter(c);
    if (kind === undefined) throw new Error(`Schedule position ${i + 1} is "${c}": use ${LETTERS_HELP}.`);
    return kind;
  });
}
