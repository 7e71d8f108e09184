// Calibration: find, for one model, sampler, step count, guidance and size, the schedules that keep the most
// of the baseline picture for their cost. Every candidate is sampled with the same seeds as the baseline on
// the calibration prompts; cost is the MAC fraction the engine computes (cost.ts), fidelity per image the
// PSNR of the decoded image against the baseline's, lowered to what its foreground colour shift is worth
// when that is worse, and per schedule the mean over the worse half of the images (calibration-search.ts:
// a schedule that spoils one image in six spoils colours on other prompts too). Beside the baseline, the plain
// sampler at fewer steps is measured on every prompt: the line the front has to beat (stored and drawn with it).
// Search (calibration-search.ts): prior schedules first (the caller's — earlier calibrations of this model — then
// the shipped demo front, each resampled to the step count; a busy machine's short budget still tries them), then
// the adaptive rule (below), then warped placements of the full steps, then hill-climbing from the best
// schedule under each target speed-up, on the first half of the prompts (the search half), until 80 % of the
// time budget is spent. Validation: the best few schedules under each target are then measured on the other
// half too, and the front is built from the validated ones on every prompt — a schedule that only suited
// the search prompts loses its place to one that holds on the held-out half.
// Besides fixed schedules, the adaptive rule (adaptive.ts) is a candidate: its threshold is bisected for each
// target speed-up on the search half first (cheap: a handful of runs per target), and its points are validated
// and ranked like any schedule; a front point that is the rule carries `adaptiveThreshold` and no schedule.
// Resumable: the caller stores `state` after every candidate and passes it back to continue.
import { estimatePlanCost, evaluationMacs, macFraction, prunedTokenCount } from '../accel/cost';
import {
  adaptiveKey, adaptiveThresholdOf, bestWithin, cautiousFidelity, candidateFromKey, candidateKey, initialCandidates, neighbours,
  nextAdaptiveThreshold, paretoFront, plainStepCounts, priorCandidates, PSNR_CAP, targetsByCloseness, tooFewSteps, validationOrder, type Candidate,
  type ImageFidelity, type PriorSchedule,
} from '../accel/calibration-search';
import { foregroundColourShift } from '../accel/foreground-colour';
import { planAcceleration, type AccelSettings } from '../accel/plan';
import { formatSchedule } from '../accel/schedule';
import { SHIPPED_DEMO_CALIBRATION } from '../accel/shipped-calibration';
import { mean, psnr } from '../../common/stats';
import { EngineError } from '../errors';
import { createScheduler } from '../schedulers/index';
import type { SamplerName } from '../schedulers/scheduler';
import type { ModelRuntime } from './model-runtime';
import { txt2img } from './txt2img';

export interface CalibrationParams {
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  readonly prompts: readonly string[];
  /** Wall-clock budget of this run (a resumed run gets a fresh budget). */
  readonly minutes: number;
  /** Schedules to measure first (earlier calibrations of this model at any settings), before the shipped demo front's. */
  readonly priors?: readonly PriorSchedule[];
}

/** One measured candidate: its cost and, per prompt from the first on, how its image compares. */
export interface MeasuredCandidate {
  /** MAC fraction; for the adaptive rule the mean over its images (it decides per image). */
  readonly cost: number;
  readonly images: readonly ImageFidelity[];
  /** The adaptive rule's MAC fraction per image. */
  readonly costs?: readonly number[];
}

/** What a resumed run needs: the candidates already measured (on the search prompts, validated ones on all). */
export interface CalibrationState {
  readonly measured: Record<string, MeasuredCandidate>;
}

export interface CalibrationProgress {
  readonly phase: 'baseline' | 'search' | 'verify';
  /** 0..1 of the time budget (the search runs until it is spent). */
  readonly fraction: number;
  readonly candidates: number;
  readonly message: string;
}

export interface CalibratedPoint {
  /** `F,M,S,K` letters, one per evaluation; empty for the adaptive rule. */
  readonly schedule: string;
  /** Set when the point is the adaptive rule at this threshold (it decides the kinds per image). */
  readonly adaptiveThreshold?: number;
  readonly pruneRatio: number;
  /** 1 / MAC fraction. */
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline images over every calibration prompt, dB. */
  readonly psnr: number;
  /** The fidelity the front is built on (calibration-search.ts, cautiousFidelity) over every prompt, dB. */
  readonly fidelity: number;
}

/** The plain sampler at fewer steps on the same prompts and seeds: what a schedule must beat at its cost. */
export interface PlainPoint {
  readonly steps: number;
  /** UNet evaluations of the calibrated step count over this one's. */
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline images over every calibration prompt, dB. */
  readonly psnr: number;
  /** Cautious fidelity (as the front's) over every prompt, dB. */
  readonly fidelity: number;
}

export interface CalibrationResult {
  readonly front: CalibratedPoint[];
  /** The plain sampler at ⌈steps / target⌉ steps for each target speed-up, most steps first. */
  readonly plain: PlainPoint[];
  readonly candidates: number;
  readonly seconds: number;
  readonly state: CalibrationState;
}

export interface CalibrationHooks {
  onProgress?(p: CalibrationProgress): void;
  /** Called after every measured candidate with the state to store for a resume. */
  onState?(state: CalibrationState): void;
  isCancelled?(): boolean;
}

/** Speed-ups (MAC) the hill-climbing improves a schedule for; the front keeps whatever it finds on the way. */
export const CALIBRATION_TARGETS: readonly number[] = [2.5, 3, 3.5, 4, 4.5, 5];
const PRUNE_RATIOS: readonly number[] = [0, 0.3, 0.5, 0.7];
/** Moves tried per target before the next target's turn. */
const MOVES_PER_TURN = 4;
/** Share of the budget kept for validating the best schedules on the held-out half of the prompts. */
const VERIFY_SHARE = 0.2;
/** Part of the budget left for what happens outside the search: starting the process, opening the model. */
const START_MARGIN_MS = 15_000;
/** Schedules validated per target speed-up (the best ones on the search half under its cost). */
const VALIDATED_PER_TARGET = 3;
/** The adaptive rule's threshold is bisected to a mean speed-up this much above each target on the search half (held-out prompts vary). */
const ADAPTIVE_TARGET_MARGIN = 1.03;
/** Bisection steps per target at most. */
const ADAPTIVE_STEPS_PER_TARGET = 7;
/** Below this many evaluations every target leaves the rule a handful of full steps to place: fixed schedules only. */
const ADAPTIVE_MIN_EVALUATIONS = 10;


export async function calibrateSchedules(
  rt: ModelRuntime, params: CalibrationParams, hooks: CalibrationHooks = {}, resume?: CalibrationState,
): Promise<CalibrationResult> {
  if (params.prompts.length < 2) throw new EngineError('invalid-parameters', 'Calibration needs at least 2 prompts.');
  if (!(params.minutes > 0)) throw new EngineError('invalid-parameters', 'The calibration time budget must be above 0 minutes.');
  const t0 = performance.now();
  // the promise is about the whole command: keep a margin for starting it and opening the model
  const budget = Math.max(params.minutes * 60_000 * 0.5, params.minutes * 60_000 - START_MARGIN_MS);
  const elapsed = (): number => performance.now() - t0;
  const cancelled = (): void => { if (hooks.isCancelled?.()) throw new EngineError('cancelled', 'The calibration was cancelled; run it again to resume.'); };
  const evaluations = createScheduler(params.sampler, { steps: params.steps }).timesteps.length;
  const tooFew = tooFewSteps(evaluations, CALIBRATION_TARGETS[0]!);
  if (tooFew) throw new EngineError('invalid-parameters', tooFew);
  const [lh, lw] = [params.height / 8, params.width / 8];
  const macs = evaluationMacs(rt.model, lh, lw);
  const costOf = (c: Candidate): number => macFraction(macs, c.kinds,
    c.kinds.map((k) => (k === 'skip' ? 0 : prunedTokenCount(c.pruneRatio, lh, lw))));
  // states from before per-image measurements are dropped (re-measured), not misread
  const measured: Record<string, MeasuredCandidate> = Object.fromEntries(Object.entries(resume?.measured ?? {})
    .filter(([, m]) => Array.isArray((m as Partial<MeasuredCandidate>).images)));
  const progress = (phase: CalibrationProgress['phase'], message: string): void => {
    hooks.onProgress?.({ phase, fraction: Math.min(1, elapsed() / budget), candidates: Object.keys(measured).length, message });
  };

  /** A candidate's key as engine settings: a schedule, or the adaptive rule at its threshold. */
  const settingsOf = (key: string): AccelSettings => {
    const threshold = adaptiveThresholdOf(key);
    if (threshold !== undefined) return { mode: 'calibrated', adaptiveThreshold: threshold, pruneRatio: 0 };
    const c = candidateFromKey(key);
    return { mode: 'calibrated', schedule: formatSchedule(c.kinds), pruneRatio: c.pruneRatio };
  };
  /** One image and the MAC fraction of the kinds that ran (the adaptive rule decides them per image). */
  const sample = async (settings: AccelSettings, prompt: number, steps = params.steps): Promise<{ rgb: Uint8Array; cost: number }> => {
    cancelled();
    const accel = planAcceleration(settings, steps === params.steps ? evaluations : createScheduler(params.sampler, { steps }).timesteps.length);
    const r = await txt2img(rt, {
      prompt: params.prompts[prompt]!, negativePrompt: '', sampler: params.sampler, steps, cfg: params.cfg, eta: 0,
      width: params.width, height: params.height, seed: prompt, images: 1, accel, previewEvery: 0,
    }, { isCancelled: hooks.isCancelled });
    const cost = estimatePlanCost(rt.model, { ...accel, kinds: r.steps.map((x) => x.kind) }, lh, lw).macFraction;
    return { rgb: r.images[0]!.rgb, cost };
  };

  // 1. baseline images
  const baseline: Uint8Array[] = [];
  for (let i = 0; i < params.prompts.length; i++) {
    progress('baseline', `baseline image ${i + 1}/${params.prompts.length}`);
    baseline.push((await sample({ mode: 'baseline' }, i)).rgb);
  }
  const fidelityOf = (rgb: Uint8Array, i: number): ImageFidelity =>
    ({ psnr: Math.min(PSNR_CAP, psnr(rgb, baseline[i]!)), colourShift: foregroundColourShift(rgb, baseline[i]!, params.width, params.height) });
  const searchPrompts = Math.max(2, Math.ceil(params.prompts.length / 2));
  // time per accelerated image so far, so that no candidate starts that would end past its deadline
  let sampledMs = 0;
  let sampledImages = 0;
  const fits = (images: number, deadline: number): boolean =>
    elapsed() + (sampledImages > 0 ? (images * sampledMs) / sampledImages : 0) <= deadline;
  /** Measure a candidate on prompts from..to-1, appended to what is known of it. */
  const measureOn = async (key: string, from: number, to: number): Promise<MeasuredCandidate> => {
    const known = measured[key];
    const images = [...known?.images ?? []];
    const adaptive = adaptiveThresholdOf(key) !== undefined;
    const costs = [...known?.costs ?? []];
    for (let i = from; i < to; i++) {
      const started = performance.now();
      const { rgb, cost } = await sample(settingsOf(key), i);
      sampledMs += performance.now() - started;
      sampledImages++;
      images.push(fidelityOf(rgb, i));
      costs.push(cost);
    }
    return adaptive
      ? { cost: mean(costs), images, costs }
      : { cost: known?.cost ?? costs[0]!, images };
  };
  const save = (): void => hooks.onState?.({ measured: { ...measured } });

  // 2. search on the first half of the prompts
  const searchEnd = budget * (1 - VERIFY_SHARE);
  const measure = async (c: Candidate): Promise<void> => {
    const key = candidateKey(c);
    if (measured[key]) return;
    const cost = costOf(c);
    if (cost > 1 / CALIBRATION_TARGETS[0]! + 1e-9) return; // slower than anything the front is for
    measured[key] = { ...await measureOn(key, 0, searchPrompts), cost };
    save();
    progress('search', `${Object.keys(measured).length} schedules measured`);
  };
  // scored on the search half only, so that validated and unvalidated candidates compare alike (the adaptive
  // rule's cost too: the mean over the search half)
  const searchCost = (m: MeasuredCandidate): number => (m.costs ? mean(m.costs.slice(0, searchPrompts)) : m.cost);
  const scored = () => Object.entries(measured).map(([key, m]) => ({ key, cost: searchCost(m), error: -cautiousFidelity(m.images.slice(0, searchPrompts)) }));
  const scoredSchedules = () => scored().filter((p) => adaptiveThresholdOf(p.key) === undefined);

  // the plain sampler at fewer steps on every prompt: the line the front is judged against. Always measured, like
  // the baseline (cheap: under two baseline passes for the default targets); not part of the resumable state.
  const plain: PlainPoint[] = [];
  for (const steps of plainStepCounts(params.steps, CALIBRATION_TARGETS)) {
    const plainEvaluations = createScheduler(params.sampler, { steps }).timesteps.length;
    progress('baseline', `plain ${params.sampler}, ${steps} steps`);
    const images: ImageFidelity[] = [];
    for (let i = 0; i < params.prompts.length; i++) images.push(fidelityOf((await sample({ mode: 'baseline' }, i, steps)).rgb, i));
    plain.push({ steps, macSpeedup: evaluations / plainEvaluations, psnr: mean(images.map((x) => x.psnr)), fidelity: cautiousFidelity(images) });
  }
  // prior schedules first: what a budget cut short must not miss
  for (const c of priorCandidates([...params.priors ?? [], ...SHIPPED_DEMO_CALIBRATION.front], evaluations)) {
    if (!fits(searchPrompts, searchEnd)) break;
    await measure(c);
  }
  // the adaptive rule: its threshold bisected for each target, the default target's first
  const adaptiveMeasured = () => Object.entries(measured).flatMap(([key, m]) => {
    const threshold = adaptiveThresholdOf(key);
    return threshold === undefined ? [] : [{ threshold, speedup: 1 / searchCost(m) }];
  });
  for (const target of evaluations >= ADAPTIVE_MIN_EVALUATIONS ? targetsByCloseness(CALIBRATION_TARGETS) : []) {
    for (let i = 0; i < ADAPTIVE_STEPS_PER_TARGET; i++) {
      const threshold = nextAdaptiveThreshold(adaptiveMeasured(), target * ADAPTIVE_TARGET_MARGIN);
      if (threshold === undefined || !fits(searchPrompts, searchEnd)) break;
      measured[adaptiveKey(threshold)] = await measureOn(adaptiveKey(threshold), 0, searchPrompts);
      save();
      progress('search', `${Object.keys(measured).length} schedules measured (adaptive rule at threshold ${threshold})`);
    }
  }

  for (const c of initialCandidates(evaluations)) {
    if (!fits(searchPrompts, searchEnd)) break;
    await measure(c);
  }
  // hill-climbing: round-robin over the targets, a few untried moves of each one's best schedule per turn
  const tried = new Set<string>();
  for (let active = true; active && fits(searchPrompts, searchEnd);) {
    active = false;
    for (const target of CALIBRATION_TARGETS) {
      const best = bestWithin(scoredSchedules(), 1 / target);
      if (!best) continue;
      const moves = neighbours(candidateFromKey(best.key), PRUNE_RATIOS)
        .filter((n) => !tried.has(candidateKey(n)) && !measured[candidateKey(n)] && costOf(n) <= 1 / target + 1e-9);
      for (const n of moves.slice(0, MOVES_PER_TURN)) {
        if (!fits(searchPrompts, searchEnd)) break;
        tried.add(candidateKey(n));
        await measure(n);
        active = true;
        if (cautiousFidelity(measured[candidateKey(n)]!.images.slice(0, searchPrompts)) > -best.error) break;
      }
    }
  }

  // 3. validation on the held-out half: the best few schedules per target (the default target's first), until
  // the budget is spent; with two prompts the search used both and there is no held-out half
  const heldOut = params.prompts.length > searchPrompts;
  const toValidate = validationOrder(scored(), CALIBRATION_TARGETS, VALIDATED_PER_TARGET);
  const complete = (key: string): boolean => measured[key]!.images.length === params.prompts.length;
  for (const [i, key] of toValidate.entries()) {
    if (!heldOut || !fits(params.prompts.length - searchPrompts, budget)) break;
    if (complete(key)) continue;
    progress('verify', `validating schedule ${i + 1}/${toValidate.length} on the held-out prompts`);
    measured[key] = await measureOn(key, searchPrompts, params.prompts.length);
    save();
  }
  // the front from the validated schedules on every prompt (all of them when the budget allowed none)
  const validated = toValidate.filter((key) => !heldOut || complete(key));
  const pool = validated.length > 0 ? validated : scored().map((p) => p.key);
  const points = pool.map((key): CalibratedPoint => {
    const m = measured[key]!;
    const threshold = adaptiveThresholdOf(key);
    const c = threshold === undefined ? candidateFromKey(key) : undefined;
    return {
      schedule: c ? formatSchedule(c.kinds) : '', pruneRatio: c?.pruneRatio ?? 0,
      ...(threshold !== undefined ? { adaptiveThreshold: threshold } : {}),
      macSpeedup: 1 / m.cost, psnr: mean(m.images.map((x) => x.psnr)), fidelity: cautiousFidelity(m.images),
    };
  });
  return {
    front: paretoFront(points.map((p) => ({ ...p, cost: 1 / p.macSpeedup, error: -p.fidelity }))).map(({ cost: _c, error: _e, ...p }) => p),
    plain, candidates: Object.keys(measured).length, seconds: elapsed() / 1000, state: { measured },
  };
}
