// The calibration shipped for the embedded demo model (DDIM 30, CFG 5, 128×128): `generate --mode calibrated`
// uses it when the library holds no calibration of its own for the demo model, and planAcceleration uses
// its default point for `calibrated` without a schedule; other step counts get it resampled by `resampleKinds`.
// Produced by `dato-studio calibrate` with its defaults before the cautious-fidelity search (139 schedules, 21
// min budget; README, "Calibration"). Kept on purpose: a default calibration with the current search on the
// shared machine (load 7.5–9.5, 45 schedules, no hill-climbing) gave a 4.29× point that did worse on 48 unseen
// grammar captions (seeds 1000+i): colour adherence 40/48 and 29.8 dB against this front's 4.29× point's 43/48
// and 32.2 dB (baseline 45/48; docs/benchmarks.md, "Calibrated and adaptive on unseen captions"). Re-make it
// on a quiet machine with `DATO_STUDIO_HOME=$(mktemp -d) dato-studio calibrate` and check it the same way.
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
