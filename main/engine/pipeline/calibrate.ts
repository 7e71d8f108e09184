// Calibration: find, for one model, sampler, step count, guidance and size, the schedules that keep the most
// of the baseline picture for their cost. Every candidate is sampled with the same seeds as the baseline on
// the calibration prompts; cost is the MAC fraction the engine computes (cost.ts), fidelity per image the
// PSNR of the decoded image against the baseline's, lowered to what its foreground colour shift is worth
// when that is worse, and per schedule the mean over the worse half of the images (calibration-search.ts:
// a schedule that spoils one image in six spoils colours on other prompts too).
// Search (calibration-search.ts): warped placements of the full steps first, then hill-climbing from the best
// schedule under each target speed-up, on the first half of the prompts (the search half), until 80 % of the
// time budget is spent. Validation: the best few schedules under each target are then measured on the other
// half too, and the front is built from the validated ones on every prompt — a schedule that only suited
// the search prompts loses its place to one that holds on the held-out half.
// Resumable: the caller stores `state` after every candidate and passes it back to continue.
import { evaluationMacs, macFraction, prunedTokenCount } from '../accel/cost';
import {
  bestWithin, cautiousFidelity, candidateFromKey, candidateKey, initialCandidates, neighbours, paretoFront, PSNR_CAP,
  tooFewSteps, validationOrder, type Candidate, type ImageFidelity,
} from '../accel/calibration-search';
import { foregroundColourShift } from '../accel/foreground-colour';
import { planAcceleration } from '../accel/plan';
import { formatSchedule } from '../accel/schedule';
import { psnr } from '../../common/stats';
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
}

/** One measured schedule: its cost and, per prompt from the first on, how its image compares. */
export interface MeasuredCandidate {
  readonly cost: number;
  readonly images: readonly ImageFidelity[];
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
  /** `F,M,S,K` letters, one per evaluation. */
  readonly schedule: string;
  readonly pruneRatio: number;
  /** 1 / MAC fraction. */
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline images over every calibration prompt, dB. */
  readonly psnr: number;
  /** The fidelity the front is built on (calibration-search.ts, cautiousFidelity) over every prompt, dB. */
  readonly fidelity: number;
}

export interface CalibrationResult {
  readonly front: CalibratedPoint[];
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

  const sample = async (c: Candidate | undefined, prompt: number): Promise<Uint8Array> => {
    cancelled();
    const accel = planAcceleration(c ? { mode: 'calibrated', schedule: formatSchedule(c.kinds), pruneRatio: c.pruneRatio } : { mode: 'baseline' }, evaluations);
    const r = await txt2img(rt, {
      prompt: params.prompts[prompt]!, negativePrompt: '', sampler: params.sampler, steps: params.steps, cfg: params.cfg, eta: 0,
      width: params.width, height: params.height, seed: prompt, images: 1, accel, previewEvery: 0,
    }, { isCancelled: hooks.isCancelled });
    return r.images[0]!.rgb;
  };

  // 1. baseline images
  const baseline: Uint8Array[] = [];
  for (let i = 0; i < params.prompts.length; i++) {
    progress('baseline', `baseline image ${i + 1}/${params.prompts.length}`);
    baseline.push(await sample(undefined, i));
  }
  const searchPrompts = Math.max(2, Math.ceil(params.prompts.length / 2));
  // time per accelerated image so far, so that no candidate starts that would end past its deadline
  let sampledMs = 0;
  let sampledImages = 0;
  const fits = (images: number, deadline: number): boolean =>
    elapsed() + (sampledImages > 0 ? (images * sampledMs) / sampledImages : 0) <= deadline;
  const imagesOf = async (c: Candidate, from: number, to: number): Promise<ImageFidelity[]> => {
    const out: ImageFidelity[] = [];
    for (let i = from; i < to; i++) {
      const started = performance.now();
      const rgb = await sample(c, i);
      sampledMs += performance.now() - started;
      sampledImages++;
      out.push({ psnr: Math.min(PSNR_CAP, psnr(rgb, baseline[i]!)), colourShift: foregroundColourShift(rgb, baseline[i]!, params.width, params.height) });
    }
    return out;
  };
  const save = (): void => hooks.onState?.({ measured: { ...measured } });

  // 2. search on the first half of the prompts
  const searchEnd = budget * (1 - VERIFY_SHARE);
  const measure = async (c: Candidate): Promise<void> => {
    const key = candidateKey(c);
    if (measured[key]) return;
    const cost = costOf(c);
    if (cost > 1 / CALIBRATION_TARGETS[0]! + 1e-9) return; // slower than anything the front is for
    measured[key] = { cost, images: await imagesOf(c, 0, searchPrompts) };
    save();
    progress('search', `${Object.keys(measured).length} schedules measured`);
  };
  // scored on the search half only, so that validated and unvalidated schedules compare alike
  const scored = () => Object.entries(measured).map(([key, m]) => ({ key, cost: m.cost, error: -cautiousFidelity(m.images.slice(0, searchPrompts)) }));

  for (const c of initialCandidates(evaluations)) {
    if (!fits(searchPrompts, searchEnd)) break;
    await measure(c);
  }
  // hill-climbing: round-robin over the targets, a few untried moves of each one's best schedule per turn
  const tried = new Set<string>();
  for (let active = true; active && fits(searchPrompts, searchEnd);) {
    active = false;
    for (const target of CALIBRATION_TARGETS) {
      const best = bestWithin(scored(), 1 / target);
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
    const m = measured[key]!;
    measured[key] = { cost: m.cost, images: [...m.images.slice(0, searchPrompts), ...await imagesOf(candidateFromKey(key), searchPrompts, params.prompts.length)] };
    save();
  }
  // the front from the validated schedules on every prompt (all of them when the budget allowed none)
  const validated = toValidate.filter((key) => !heldOut || complete(key));
  const pool = validated.length > 0 ? validated : scored().map((p) => p.key);
  const points = pool.map((key): CalibratedPoint => {
    const m = measured[key]!;
    const c = candidateFromKey(key);
    return {
      schedule: formatSchedule(c.kinds), pruneRatio: c.pruneRatio, macSpeedup: 1 / m.cost,
      psnr: m.images.reduce((a, x) => a + x.psnr, 0) / m.images.length, fidelity: cautiousFidelity(m.images),
    };
  });
  return {
    front: paretoFront(points.map((p) => ({ ...p, cost: 1 / p.macSpeedup, error: -p.fidelity }))).map(({ cost: _c, error: _e, ...p }) => p),
    candidates: Object.keys(measured).length, seconds: elapsed() / 1000, state: { measured },
  };
}
