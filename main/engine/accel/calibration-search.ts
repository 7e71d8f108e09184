// The schedule search behind `dato-studio calibrate`, as pure functions: which schedules to try, how to
// perturb a good one, and which of the tried ones form the Pareto front (cost vs fidelity).
// The space is deliberately small so that what is found generalises beyond the calibration prompts:
// where the full steps sit (a power warp of evenly spaced positions, then moves of single steps), what the
// steps in between do (forecast skip, medium or shallow), and one prune ratio for the computed steps.
import { countKinds, parseScheduleString, formatSchedule, resampleKinds, type StepKind } from './schedule';

export interface Candidate {
  readonly kinds: readonly StepKind[];
  readonly pruneRatio: number;
}

/** Identical images count as 100 dB, so that a mean over prompts stays finite. */
export const PSNR_CAP = 100;

/** How one calibration image compares with the baseline image of the same prompt and seed. */
export interface ImageFidelity {
  /** PSNR vs the baseline image, dB (capped at PSNR_CAP). */
  readonly psnr: number;
  /** RGB distance of the foreground's mean colour from the baseline's (foreground-colour.ts). */
  readonly colourShift: number;
}

/**
 * One image's fidelity in dB: its PSNR, or the PSNR its foreground colour shift alone would have (as if every
 * pixel were off by that much) when that is lower. A shape that changed colour is a small region, so its
 * PSNR understates what the user notices.
 */
export function imageFidelity(m: ImageFidelity): number {
  const colour = m.colourShift > 0 ? 20 * Math.log10(255 / m.colourShift) : PSNR_CAP;
  return Math.min(m.psnr, colour, PSNR_CAP);
}

/**
 * A schedule's fidelity on a set of prompts: the mean over the worse half of the images. A mean over all
 * images lets a schedule buy near-perfect easy images with one spoiled hard one (a spoiled image is what
 * generalises worst: on other prompts it is a changed colour); the worse half rewards keeping every image.
 */
export function cautiousFidelity(images: readonly ImageFidelity[]): number {
  const sorted = images.map(imageFidelity).sort((a, b) => a - b);
  const worse = sorted.slice(0, Math.max(1, Math.ceil(sorted.length / 2)));
  return worse.reduce((a, b) => a + b, 0) / worse.length;
}

export const candidateKey = (c: Candidate): string => `${formatSchedule(c.kinds)}|${c.pruneRatio}`;

export function candidateFromKey(key: string): Candidate {
  const [schedule, ratio] = key.split('|');
  return { kinds: parseScheduleString(schedule!), pruneRatio: Number(ratio) };
}

// The adaptive rule (adaptive.ts) as a calibration candidate: no fixed schedule, one threshold. Where the full
// steps have to sit depends on the image (on the demo model, when its shape's colour settles), so a per-image
// rule can keep colours that every fixed placement of as many full steps loses on some prompts; calibration
// measures the rule at the thresholds that meet each target speed-up and lets the front decide.
const ADAPTIVE_PREFIX = 'adaptive|';

/** The key of the adaptive rule at this threshold (3 significant digits, so that keys are stable). */
export const adaptiveKey = (threshold: number): string => `${ADAPTIVE_PREFIX}${Number(threshold.toPrecision(3))}`;

/** The threshold of an adaptive key; undefined for a schedule's key. */
export function adaptiveThresholdOf(key: string): number | undefined {
  return key.startsWith(ADAPTIVE_PREFIX) ? Number(key.slice(ADAPTIVE_PREFIX.length)) : undefined;
}

/** Thresholds searched: from recomputing almost every step to recomputing a handful. */
export const ADAPTIVE_THRESHOLD_RANGE = { min: 0.04, max: 1 } as const;

/**
 * The next threshold to measure for a target speed-up: the geometric middle of the tightest bracket the
 * measured ones give (the speed-up grows with the threshold); undefined once the bracket is narrower than
 * `precision` (a ratio) or the measurements contradict each other.
 */
export function nextAdaptiveThreshold(
  measured: readonly { threshold: number; speedup: number }[], target: number, precision = 1.06,
): number | undefined {
  let lo: number = ADAPTIVE_THRESHOLD_RANGE.min;
  let hi: number = ADAPTIVE_THRESHOLD_RANGE.max;
  for (const m of measured) {
    if (m.speedup >= target) hi = Math.min(hi, m.threshold);
    else lo = Math.max(lo, m.threshold);
  }
  if (!(hi / lo > precision)) return undefined;
  const next = Number(Math.sqrt(lo * hi).toPrecision(3));
  return measured.some((m) => m.threshold === next) ? undefined : next;
}

/** `fulls` full steps at ⌊steps·(j/fulls)^warp⌋ (warp < 1 crowds them late, > 1 early), skips between. */
export function warpedSchedule(steps: number, fulls: number, warp: number): StepKind[] {
  const kinds = new Array<StepKind>(steps).fill('skip');
  for (let j = 0; j < fulls; j++) kinds[Math.min(steps - 1, Math.floor(steps * (j / fulls) ** warp))] = 'full';
  kinds[0] = 'full';
  return kinds;
}

/**
 * Most promising first: even spacing, then mild warps. Crowding the full steps late (warp < 1) leaves a long
 * first gap in which, on the demo model, shape colours drift (measured on 48 grammar captions: warp 0.8 with
 * 7 full steps of 30 lost 18 captions' colours where the shipped placement lost 1), so it comes after the
 * mild early crowding.
 */
export const WARPS: readonly number[] = [1, 1.25, 0.8, 1.5, 0.6, 2];

/** Full steps every searched schedule keeps: step 0 and one more (a forecast extrapolates from two). */
export const MIN_FULL_STEPS = 2;

/**
 * Why `steps` evaluations are too few to calibrate for speed-ups from `slowestSpeedup` on (the least
 * acceleration the search looks for), or undefined when they are enough: a schedule with the minimum of full
 * steps is then already slower than that.
 */
export function tooFewSteps(steps: number, slowestSpeedup: number): string | undefined {
  const needed = Math.ceil(MIN_FULL_STEPS * slowestSpeedup);
  if (steps >= needed) return undefined;
  return `${steps} steps are too few to calibrate: a calibrated schedule keeps at least ${MIN_FULL_STEPS} full steps and `
    + `aims at ≥ ${slowestSpeedup}× fewer MACs, which needs ≥ ${needed} steps (sample ${steps} steps plainly, or calibrate --steps ${needed} or more).`;
}

/** Full-step counts worth searching (2.5× to 6× of the baseline), those nearest 4× first. */
export function fullCounts(steps: number): number[] {
  const lo = Math.max(MIN_FULL_STEPS, Math.floor(steps / 6));
  const hi = Math.max(lo, Math.ceil(steps / 2.5));
  const counts = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  return counts.sort((a, b) => Math.abs(Math.log(steps / a / 4)) - Math.abs(Math.log(steps / b / 4)));
}

/**
 * Step counts of the plain sampler a calibration measures beside its schedules (the "fewer steps" line its front
 * is judged against): ⌈steps / t⌉ for each target speed-up t, at least 2, each once, fewest last.
 */
export function plainStepCounts(steps: number, targets: readonly number[]): number[] {
  const counts = targets.map((t) => Math.max(MIN_FULL_STEPS, Math.ceil(steps / t))).filter((k) => k < steps);
  return [...new Set(counts)].sort((a, b) => b - a);
}

/**
 * The first round: every full-step count × every warp, forecast skips between, no pruning; in diagonal order
 * (count rank + warp rank, counts nearest 4× first) so that a budget cut short by a busy machine has tried
 * several placements of the counts that matter most rather than one placement of every count.
 */
export function initialCandidates(steps: number): Candidate[] {
  const seen = new Map<string, Candidate>();
  const pairs = fullCounts(steps).flatMap((fulls, ci) => WARPS.map((warp, wi) => ({ fulls, warp, rank: ci + wi, ci })))
    .sort((a, b) => a.rank - b.rank || a.ci - b.ci);
  for (const { fulls, warp } of pairs) {
    const c = { kinds: warpedSchedule(steps, fulls, warp), pruneRatio: 0 };
    if (!seen.has(candidateKey(c))) seen.set(candidateKey(c), c);
  }
  return [...seen.values()];
}

/** A schedule known to be good elsewhere: a point of an earlier calibration's front. */
export interface PriorSchedule {
  /** `F,M,S,K` letters at its own step count; empty for the adaptive rule (not a prior: it is bisected anyway). */
  readonly schedule: string;
  readonly pruneRatio: number;
}

/**
 * Prior schedules resampled to `steps` evaluations (schedule.ts's rule), each once, in the order given. Measured
 * before the search so that a budget cut short by a busy machine has tried them: a placement that held on other
 * prompts and settings is a better first guess than any one warp (the search keeps it only if it measures well).
 */
export function priorCandidates(priors: readonly PriorSchedule[], steps: number): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const p of priors) {
    if (p.schedule === '') continue;
    const c = { kinds: resampleKinds(parseScheduleString(p.schedule), steps), pruneRatio: p.pruneRatio };
    if (!seen.has(candidateKey(c))) seen.set(candidateKey(c), c);
  }
  return [...seen.values()];
}

/**
 * Single-step perturbations of a schedule: a full step moved one step earlier or later; a skip turned into a
 * medium or shallow step (more cost, maybe more fidelity); the prune ratio of computed steps changed.
 */
export function neighbours(c: Candidate, pruneRatios: readonly number[]): Candidate[] {
  const out: Candidate[] = [];
  const n = c.kinds.length;
  const withKinds = (kinds: StepKind[]): void => { out.push({ kinds, pruneRatio: c.pruneRatio }); };
  for (let k = 1; k < n; k++) {
    if (c.kinds[k] === 'full') {
      for (const d of [-1, 1]) {
        const j = k + d;
        if (j >= 1 && j < n && c.kinds[j] !== 'full') {
          const kinds = [...c.kinds];
          kinds[j] = 'full';
          kinds[k] = c.kinds[j]!;
          withKinds(kinds);
        }
      }
    } else if (c.kinds[k] === 'skip') {
      for (const kind of ['medium', 'shallow'] as const) {
        const kinds = [...c.kinds];
        kinds[k] = kind;
        withKinds(kinds);
      }
    }
  }
  for (const r of pruneRatios) if (r !== c.pruneRatio) out.push({ kinds: c.kinds, pruneRatio: r });
  // cheapest ideas first: moving a full step, then pruning, then filling a skip with computation
  const before = countKinds(c.kinds);
  const rank = (x: Candidate): number => {
    if (x.pruneRatio !== c.pruneRatio) return 1;
    const after = countKinds(x.kinds);
    return after.medium > before.medium ? 2 : after.shallow > before.shallow ? 3 : 0;
  };
  return out.sort((a, b) => rank(a) - rank(b));
}

/** Points no other point beats on both cost and error, cheapest first. */
export function paretoFront<T extends { cost: number; error: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || a.error - b.error);
  const front: T[] = [];
  for (const p of sorted) {
    if (front.length === 0 || p.error < front[front.length - 1]!.error) front.push(p);
  }
  return front;
}

/** The best (lowest error) scored candidate whose cost is at most `maxCost`. */
export function bestWithin<T extends { cost: number; error: number }>(points: readonly T[], maxCost: number): T | undefined {
  let best: T | undefined;
  for (const p of points) if (p.cost <= maxCost && (!best || p.error < best.error)) best = p;
  return best;
}

/** Target speed-ups nearest `first` (the default target) first; of two as near, the faster. */
export function targetsByCloseness(targets: readonly number[], first = 4): number[] {
  return [...targets].sort((a, b) => Math.abs(Math.log(a / first)) - Math.abs(Math.log(b / first)) || b - a);
}

/**
 * Which searched schedules to validate on the held-out prompts, in order: for each target speed-up (those
 * nearest `first` first) the `perTarget` best within its cost, then the rest of the search's front; each once.
 */
export function validationOrder<T extends { key: string; cost: number; error: number }>(
  points: readonly T[], targets: readonly number[], perTarget: number, first = 4,
): string[] {
  const order: string[] = [];
  const add = (key: string): void => { if (!order.includes(key)) order.push(key); };
  const byCloseness = targetsByCloseness(targets, first);
  const ranked = [...points].sort((a, b) => a.error - b.error || a.cost - b.cost);
  for (const target of byCloseness) {
    for (const p of ranked.filter((x) => x.cost <= 1 / target + 1e-9).slice(0, perTarget)) add(p.key);
  }
  for (const p of paretoFront(points)) add(p.key);
  return order;
}
