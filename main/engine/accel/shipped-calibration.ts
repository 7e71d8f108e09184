// The calibration shipped for the embedded demo model (DDIM 30, CFG 5, 128×128): `generate --mode calibrated`
// uses it when the library holds no calibration of its own for the demo model, and planAcceleration uses
// its default point for `calibrated` without a schedule. Produced by `dato-studio calibrate` with its
// defaults (README, "Calibration"); other step counts get it resampled by `resampleKinds`.
import { chooseFrontPoint, DEFAULT_TARGET_SPEEDUP } from './calibrated-choice';

export const SHIPPED_DEMO_CALIBRATION = {
  sampler: 'ddim', steps: 30, cfg: 5, width: 128, height: 128,
  front: [
    { schedule: 'F,K,K,K,F,K,K,K,K,F,K,K,K,K,K,F,K,K,K,K,K,K,F,K,K,K,K,K,K,K', pruneRatio: 0, macSpeedup: 6, psnr: 29.9 },
    { schedule: 'F,K,K,F,K,K,K,F,K,K,K,K,F,K,K,K,K,F,K,K,K,K,K,K,K,F,K,K,K,K', pruneRatio: 0, macSpeedup: 5, psnr: 33.42 },
    { schedule: 'F,K,K,F,K,K,F,K,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,K,F,K,K,K,K,K', pruneRatio: 0, macSpeedup: 4.286, psnr: 36.67 },
    { schedule: 'F,K,F,K,F,K,K,F,K,K,F,K,K,K,F,K,K,K,K,F,K,K,K,K,F,K,K,K,K,K', pruneRatio: 0, macSpeedup: 3.75, psnr: 39.45 },
    { schedule: 'F,K,F,K,F,K,K,F,K,K,F,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,K', pruneRatio: 0, macSpeedup: 3.333, psnr: 44.41 },
    { schedule: 'F,K,F,K,F,K,F,K,K,F,K,K,F,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K', pruneRatio: 0, macSpeedup: 3, psnr: 46.5 },
  ],
} as const;

/** The point `calibrated` uses without a schedule: the default target speed-up. */
export const SHIPPED_DEFAULT_POINT = chooseFrontPoint(SHIPPED_DEMO_CALIBRATION.front, DEFAULT_TARGET_SPEEDUP)!;
