// Calibration: find, for one model, sampler, step count, guidance and size, the schedules that keep the most
// of the baseline picture for their cost. Every candidate is sampled with the same seeds as the baseline on
// the calibration prompts; cost is the MAC fraction the engine computes (cost.ts), fidelity the mean PSNR of
// the decoded images against the baseline's. Search (calibration-search.ts): warped placements of the full
// steps first, then hill-climbing from the best schedule under each target speed-up, until the time budget
// is spent; the front is then re-measured on every calibration prompt (the search uses half of them).
// Resumable: the caller stores `state` after every candidate and passes it back to continue.
import { evaluationMacs, macFraction, prunedTokenCount } from '../accel/cost';
import {
  bestWithin, candidateFromKey, candidateKey, initialCandidates, neighbours, paretoFront, type Candidate,
} from '../accel/calibration-search';
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

/** What a resumed run needs: the candidates already measured on the search prompts. */
export interface CalibrationState {
  readonly measured: Record<string, { readonly cost: number; readonly psnr: number }>;
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
/** Share of the budget kept for re-measuring the front on every prompt. */
const VERIFY_SHARE = 0.2;
/** Identical images count as 100 dB, so that a mean over prompts stays finite. */
const PSNR_CAP = 100;


export async function calibrateSchedules(
  rt: ModelRuntime, params: CalibrationParams, hooks: CalibrationHooks = {}, resume?: CalibrationState,
): Promise<CalibrationResult> {
  if (params.prompts.length < 2) throw new EngineError('invalid-parameters', 'Calibration needs at least 2 prompts.');
  if (!(params.minutes > 0)) throw new EngineError('invalid-parameters', 'The calibration time budget must be above 0 minutes.');
  const t0 = performance.now();
  const budget = params.minutes * 60_000;
  const elapsed = (): number => performance.now() - t0;
  const cancelled = (): void => { if (hooks.isCancelled?.()) throw new EngineError('cancelled', 'The calibration was cancelled; run it again to resume.'); };
  const evaluations = createScheduler(params.sampler, { steps: params.steps }).timesteps.length;
  const [lh, lw] = [params.height / 8, params.width / 8];
  const macs = evaluationMacs(rt.model, lh, lw);
  const costOf = (c: Candidate): number => macFraction(macs, c.kinds,
    c.kinds.map((k) => (k === 'skip' ? 0 : prunedTokenCount(c.pruneRatio, lh, lw))));
  const measured: Record<string, { cost: number; psnr: number }> = { ...resume?.measured };
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
  const meanPsnr = async (c: Candidate, from: number, to: number): Promise<number> => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += Math.min(PSNR_CAP, psnr(await sample(c, i), baseline[i]!));
    return sum / (to - from);
  };

  // 2. search on the first half of the prompts
  const searchEnd = budget * (1 - VERIFY_SHARE);
  const measure = async (c: Candidate): Promise<void> => {
    const key = candidateKey(c);
    if (measured[key]) return;
    const cost = costOf(c);
    if (cost > 1 / CALIBRATION_TARGETS[0]! + 1e-9) return; // slower than anything the front is for
    measured[key] = { cost, psnr: await meanPsnr(c, 0, searchPrompts) };
    hooks.onState?.({ measured: { ...measured } });
    progress('search', `${Object.keys(measured).length} schedules measured`);
  };
  const scored = () => Object.entries(measured).map(([key, m]) => ({ key, cost: m.cost, error: -m.psnr }));

  for (const c of initialCandidates(evaluations)) {
    if (elapsed() > searchEnd) break;
    await measure(c);
  }
  // hill-climbing: round-robin over the targets, a few untried moves of each one's best schedule per turn
  const tried = new Set<string>();
  for (let active = true; active && elapsed() < searchEnd;) {
    active = false;
    for (const target of CALIBRATION_TARGETS) {
      const best = bestWithin(scored(), 1 / target);
      if (!best) continue;
      const moves = neighbours(candidateFromKey(best.key), PRUNE_RATIOS)
        .filter((n) => !tried.has(candidateKey(n)) && !measured[candidateKey(n)] && costOf(n) <= 1 / target + 1e-9);
      for (const n of moves.slice(0, MOVES_PER_TURN)) {
        if (elapsed() > searchEnd) break;
        tried.add(candidateKey(n));
        await measure(n);
        active = true;
        if (measured[candidateKey(n)]!.psnr > -best.error) break;
      }
    }
  }

  // 3. the front, re-measured on every prompt (the held-out half keeps the search honest)
  const front = paretoFront(scored());
  const points: CalibratedPoint[] = [];
  for (const [i, p] of front.entries()) {
    progress('verify', `checking front point ${i + 1}/${front.length} on every prompt`);
    const c = candidateFromKey(p.key);
    // past the budget, the remaining points keep their search-prompt figure (the budget is a promise); with
    // two prompts the search used both and there is no held-out half (its mean would be 0/0)
    const heldOut = params.prompts.length > searchPrompts;
    const rest = heldOut && elapsed() < budget ? await meanPsnr(c, searchPrompts, params.prompts.length) : -p.error;
    const all = (-p.error * searchPrompts + rest * (params.prompts.length - searchPrompts)) / params.prompts.length;
    points.push({ schedule: formatSchedule(c.kinds), pruneRatio: c.pruneRatio, macSpeedup: 1 / p.cost, psnr: all });
  }
  return {
    front: paretoFront(points.map((p) => ({ ...p, cost: 1 / p.macSpeedup, error: -p.psnr }))).map(({ cost: _c, error: _e, ...p }) => p),
    candidates: Object.keys(measured).length, seconds: elapsed() / 1000, state: { measured },
  };
}
