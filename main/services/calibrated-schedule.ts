// `calibrated` without an explicit schedule → the schedule of a stored calibration: the nearest one of this
// model (fingerprint), sampler and guidance in the library, and on its front the highest-fidelity point at the
// target speed-up; for the embedded demo model without one of its own, the shipped calibration. Used by the
// CLI and the app, so both read the same library the same way.
import type { StudioDb } from '../db';
import {
  chooseFrontPoint, DEFAULT_TARGET_SPEEDUP, frontPointSettings, nearestCalibration, SHIPPED_DEMO_CALIBRATION, type AccelSettings,
} from '../engine/index';
import { modelFingerprint } from './model-fingerprint';

export interface ExpectedQuality {
  /** MAC speed-up of the chosen schedule. */
  readonly macSpeedup: number;
  /** Mean PSNR vs the baseline image measured by the calibration, dB. */
  readonly psnr: number;
  /** Where the schedule comes from, in words. */
  readonly source: string;
}

export interface CalibratedRequest {
  readonly modelPath: string;
  readonly isDemo: boolean;
  readonly sampler: string;
  readonly steps: number;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  readonly target?: number;
}

/** The library's key for a model file: content hash and size (a copied or moved file keeps its calibration). */
export async function calibrationFingerprint(modelPath: string): Promise<string> {
  const f = await modelFingerprint(modelPath);
  return `${f.headerHash}:${f.sizeBytes}`;
}

/**
 * Settings with the calibrated schedule filled in, and what it is expected to give; null when neither the
 * library nor the shipped calibration has one. Other modes and explicit schedules pass through unchanged.
 */
export async function resolveCalibrated(
  accel: AccelSettings, db: StudioDb, want: CalibratedRequest,
): Promise<{ accel: AccelSettings; expected?: ExpectedQuality } | null> {
  // an explicit schedule or adaptive threshold (a saved front point) runs as it is
  if (accel.mode !== 'calibrated' || accel.schedule !== undefined || accel.adaptiveThreshold !== undefined) return { accel };
  const target = want.target ?? DEFAULT_TARGET_SPEEDUP;
  const fingerprint = await calibrationFingerprint(want.modelPath);
  const stored = db.calibrations.listForModel(fingerprint).filter((c) => c.sampler === want.sampler && c.cfg === want.cfg);
  const calibration = nearestCalibration(stored, want);
  const point = calibration && chooseFrontPoint(calibration.front, target);
  if (calibration && point) {
    return {
      accel: { ...accel, ...frontPointSettings(point) },
      expected: { macSpeedup: point.macSpeedup, psnr: point.psnr, source: `calibration of ${calibration.sampler} ${calibration.steps} steps, ${calibration.width}×${calibration.height}` },
    };
  }
  if (!want.isDemo) return null;
  const shipped = chooseFrontPoint(SHIPPED_DEMO_CALIBRATION.front, target)!;
  return {
    accel: { ...accel, ...frontPointSettings(shipped) },
    expected: { macSpeedup: shipped.macSpeedup, psnr: shipped.psnr, source: 'shipped calibration of the demo model' },
  };
}
