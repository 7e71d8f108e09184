// The calibration shipped for the embedded demo model (DDIM 30, CFG 5, 128×128): `generate --mode calibrated`
// uses it when the library holds no calibration of its own for the demo model, and planAcceleration uses
// its default point for `calibrated` without a schedule. Produced by `dato-studio calibrate` with its
// defaults (README, "Calibration"); other step counts get it resampled by `resampleKinds`.
import { chooseFrontPoint, DEFAULT_TARGET_SPEEDUP } from './calibrated-choice';

export const SHIPPED_DEMO_CALIBRATION = {
  sampler: 'ddim', steps: 30, cfg: 5, width: 128, height: 128,
  front: [
    { schedule: 'F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K,F,K,K', pruneRatio: 0, macSpeedup: 3, psnr: 38 },
    { schedule: 'F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K', pruneRatio: 0, macSpeedup: 3.75, psnr: 32 },
  ],
} as const;

/** The point `calibrated` uses without a schedule: the default target speed-up. */
export const SHIPPED_DEFAULT_POINT = chooseFrontPoint(SHIPPED_DEMO_CALIBRATION.front, DEFAULT_TARGET_SPEEDUP)!;
