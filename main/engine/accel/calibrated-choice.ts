// Choosing from stored calibrations: the calibration for the requested model/sampler/guidance whose step
// count and size are nearest (within 2× each; its schedule is resampled to the requested step count by
// planAcceleration → resampleKinds), and on its front the highest-fidelity point at the target speed-up.

export interface StoredCalibration<P> {
  readonly steps: number;
  readonly width: number;
  readonly height: number;
  readonly front: readonly P[];
}

export interface FrontPointLike { readonly macSpeedup: number }

/**
 * A front point as the engine runs it: a fixed schedule, or — where the calibration found that deciding per
 * image keeps more (adaptiveThreshold set, schedule empty) — the adaptive rule at the calibrated threshold.
 */
export interface RunnableFrontPoint { readonly schedule: string; readonly pruneRatio: number; readonly adaptiveThreshold?: number }

export function frontPointSettings(p: RunnableFrontPoint): { schedule?: string; pruneRatio: number; adaptiveThreshold?: number } {
  return p.adaptiveThreshold !== undefined
    ? { adaptiveThreshold: p.adaptiveThreshold, pruneRatio: p.pruneRatio }
    : { schedule: p.schedule, pruneRatio: p.pruneRatio };
}

export const DEFAULT_TARGET_SPEEDUP = 4;

/** The stored calibration nearest in step count and pixel count, or undefined when none is within 2×. */
export function nearestCalibration<C extends StoredCalibration<unknown>>(
  stored: readonly C[], want: { steps: number; width: number; height: number },
): C | undefined {
  let best: C | undefined;
  let bestDistance = Infinity;
  for (const c of stored) {
    if (c.front.length === 0) continue;
    const dSteps = Math.abs(Math.log(c.steps / want.steps));
    const dSize = Math.abs(Math.log((c.width * c.height) / (want.width * want.height))) / 2;
    if (dSteps > Math.LN2 || dSize > Math.LN2) continue;
    if (dSteps + dSize < bestDistance) { best = c; bestDistance = dSteps + dSize; }
  }
  return best;
}

/**
 * The slowest point with speed-up ≥ target — on a Pareto front the one with the highest fidelity the
 * calibration ranked by (cautiousFidelity, not necessarily the highest mean PSNR); the fastest point when none
 * reaches the target.
 */
export function chooseFrontPoint<P extends FrontPointLike>(front: readonly P[], target: number): P | undefined {
  let best: P | undefined;
  for (const p of front) if (p.macSpeedup >= target && (!best || p.macSpeedup < best.macSpeedup)) best = p;
  if (best) return best;
  for (const p of front) if (!best || p.macSpeedup > best.macSpeedup) best = p;
  return best;
}
