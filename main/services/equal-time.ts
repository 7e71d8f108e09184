// "Fewer steps, same time": the plain-sampler run that costs what an accelerated run cost. An accelerated
// run of N steps measured at speed-up s takes the time of N / s plain steps; rounding up gives the plain run
// at least as much time as the accelerated one had, so a win for the acceleration is not a rounding artefact.

/** ⌈N / speed-up⌉ steps, between 1 and N (a run no faster than the baseline is matched by the baseline itself). */
export function equalTimeSteps(steps: number, speedup: number): number {
  if (!(speedup > 0) || !Number.isFinite(speedup)) return steps;
  // 30 / 1.5 in floating point is 20.000000000000004: don't let that become 21 steps.
  return Math.min(steps, Math.max(1, Math.ceil(steps / speedup - 1e-9)));
}

/** PSNRs closer than this are a tie (the PSNR of one image pair moves by more than this with rounding alone). */
export const TIE_DB = 0.05;

export type Kept = 'variant' | 'fewer-steps' | 'tie';

/**
 * Which kept more of the baseline picture: the accelerated variant or the plain run with the same time.
 * PSNRs are against the baseline image; Infinity = identical (the plain run is the baseline itself).
 */
export function keptMore(variantPsnr: number, plainPsnr: number): Kept {
  if (variantPsnr === plainPsnr || Math.abs(variantPsnr - plainPsnr) < TIE_DB) return 'tie';
  return variantPsnr > plainPsnr ? 'variant' : 'fewer-steps';
}

/**
 * A plain comparison member with fewer steps than the group's baseline: the "fewer steps, same time" partner
 * of a variant (variants always run the baseline's steps, so the step count alone tells them apart).
 */
export function isEqualTimeRun(r: { id: number; mode: string; steps: number }, baseline: { id: number; steps: number } | undefined): boolean {
  return baseline !== undefined && r.id !== baseline.id && r.mode === 'baseline' && r.steps < baseline.steps;
}
