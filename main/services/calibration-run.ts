// One calibration run against the library, the same for `dato-studio calibrate` and the app: resume what a
// stopped run of the same key measured, store the search state after every candidate (so a cancel or a crash
// loses at most one image), and store the front when it is done. A finished calibration stays listed (and
// used by `calibrated`) while a new run of the same key searches again, until that run has a front. The fronts of
// this model's complete calibrations (any sampler, steps, size; this key's too) go to the search as priors: it
// measures them first.
import type { StudioDb } from '../db';
import type { CalibrationKey, FrontPoint, PlainPoint } from '../db/calibrations-repo';
import {
  demoGrammarPrompts, GENERAL_CALIBRATION_PROMPTS, type CalibrateRequest, type CalibrationHooks, type CalibrationResult, type CalibrationState,
  type Engine,
} from '../engine/index';

/** Demo-model calibrations use 12 captions of its grammar (never its judging captions); others the general set. */
const DEMO_PROMPTS = 12;

export function defaultCalibrationPrompts(isDemo: boolean): string[] {
  return isDemo ? demoGrammarPrompts(DEMO_PROMPTS) : [...GENERAL_CALIBRATION_PROMPTS];
}

export type CalibrationOutcome =
  | { readonly kind: 'front'; readonly front: FrontPoint[]; readonly plain: PlainPoint[]; readonly candidates: number; readonly seconds: number }
  /** The budget ran out before a schedule was measured; the state is stored, a new run continues. */
  | { readonly kind: 'out-of-time'; readonly candidates: number };

export interface StoredCalibrationRun {
  /** The engine job (for engine.cancel). */
  readonly id: number;
  /** Schedules an earlier, stopped run had measured (0: a fresh start). */
  readonly resumedFrom: number;
  /** Rejects with the engine's 'cancelled' error when cancelled; what was measured stays stored. */
  readonly outcome: Promise<CalibrationOutcome>;
}

export function runStoredCalibration(
  engine: Engine, db: StudioDb, key: CalibrationKey, request: Omit<CalibrateRequest, 'resume'>,
  onProgress?: CalibrationHooks['onProgress'],
): StoredCalibrationRun {
  const previous = db.calibrations.get(key);
  // A finished run clears its state; a stored state is a stopped run's to continue.
  const resume = previous?.state ? previous.state as CalibrationState : undefined;
  const before = previous && !previous.complete ? previous.seconds : 0;
  const kept = previous?.complete
    ? { front: previous.front, plain: previous.plain, complete: true, seconds: previous.seconds }
    : { front: [], complete: false, seconds: before };
  const priors = db.calibrations.listForModel(key.fingerprint)
    .flatMap((c) => c.front.map((p) => ({ schedule: p.schedule, pruneRatio: p.pruneRatio })));
  const job = engine.calibrate({ ...request, priors, ...(resume ? { resume } : {}) }, {
    ...(onProgress ? { onProgress } : {}),
    onState: (state) => db.calibrations.save(key, { ...kept, state }),
  });
  const outcome = job.result.then((result: CalibrationResult): CalibrationOutcome => {
    if (result.front.length === 0) {
      db.calibrations.save(key, { ...kept, state: result.state, seconds: kept.complete ? kept.seconds : before + result.seconds });
      return { kind: 'out-of-time', candidates: result.candidates };
    }
    const seconds = before + result.seconds;
    db.calibrations.save(key, { front: result.front, plain: result.plain, state: null, complete: true, seconds });
    return { kind: 'front', front: result.front, plain: result.plain, candidates: result.candidates, seconds };
  });
  return { id: job.id, resumedFrom: resume ? Object.keys(resume.measured).length : 0, outcome };
}
