// The calibration shipped for the embedded demo model (DDIM 30, CFG 5, 128×128): the `calibrated` mode
// uses it when no calibration of the user's own is given. Produced by `dato-studio calibrate` with its
// defaults (README, "Calibration"); resampled by `resampleKinds` for other step counts.
export const SHIPPED_DEMO_CALIBRATION = {
  schedule: 'F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K,K,K,F,K',
  pruneRatio: 0,
} as const;
