// The calibration shipped for the embedded demo model (DDIM 30, CFG 5, 128×128): `generate --mode calibrated`
// uses it when the library holds no calibration of its own for the demo model, and planAcceleration uses
// its default point for `calibrated` without a schedule; other step counts get it resampled by `resampleKinds`.
// Produced by `dato-studio calibrate` with its defaults (12 grammar captions, 10 minutes; README,
// "Calibration") on 2026-12-01 on the shared 2-core machine (1-minute load average 7.5–9.5: 45 schedules
// measured, 13 validated on the held-out half):
//   DATO_STUDIO_HOME=$(mktemp -d) dato-studio calibrate
// psnr: mean PSNR vs the baseline images; fidelity: what the front is built on (cautiousFidelity), both dB
// over the 12 calibration captions.
import { chooseFrontPoint, DEFAULT_TARGET_SPEEDUP } from './calibrated-choice';

export const SHIPPED_DEMO_CALIBRATION = {
  sampler: 'ddim', steps: 30, cfg: 5, width: 128, height: 128,
  front: [
    { schedule: 'F,K,K,K,K,K,F,K,K,K,K,K,F,K,K,K,K,K,F,K,K,K,K,K,F,K,K,K,K,K', pruneRatio: 0, macSpeedup: 6, psnr: 28.51, fidelity: 15.8 },
    { schedule: 'F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,K', pruneRatio: 0, macSpeedup: 4.286, psnr: 35.55, fidelity: 24.72 },
    { schedule: 'F,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,F,K,K,K,F,K,K,K,F,K,K,K', pruneRatio: 0, macSpeedup: 3.75, psnr: 37.89, fidelity: 29.36 },
    { schedule: 'F,K,F,K,F,K,K,F,K,K,F,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,K', pruneRatio: 0, macSpeedup: 3.333, psnr: 44.41, fidelity: 35.89 },
    { schedule: 'F,K,F,K,F,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,K,F,K,K,K,F,K,K,K', pruneRatio: 0, macSpeedup: 3, psnr: 46.38, fidelity: 38.55 },
  ],
} as const;

/** The point `calibrated` uses without a schedule: the default target speed-up. */
export const SHIPPED_DEFAULT_POINT = chooseFrontPoint(SHIPPED_DEMO_CALIBRATION.front, DEFAULT_TARGET_SPEEDUP)!;
