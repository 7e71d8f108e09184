// What a generation's `timings` column holds: the engine's stage times and per-evaluation seconds, plus the
// save and wall times of the job and what its speed-up was measured against (a structural extension of the
// database's StageTimings, so older rows without the extra fields still read).
import type { SpeedupDto, StageTimingsDto } from '../../preload/contract';
import type { StageTimings } from '../db/generation-record';
import type { GenerateResult } from '../engine/index';
import { steadyLoopSeconds } from './steady-time';

export interface RecordedTimings extends StageTimings {
  /** Encode + write + thumbnail, seconds. */
  save?: number;
  /** The whole job (model check → saved), seconds. */
  wall?: number;
  /** UNet loop with each evaluation at its kind's median time (what speed-ups compare; steady-time.ts). */
  steadyUnetSeconds?: number;
  baseline?: { unetSeconds: number; basis: SpeedupDto['basis'] };
}

export function recordedTimings(result: GenerateResult, speedup: SpeedupDto | null): RecordedTimings {
  const t = result.timings;
  return {
    load: t.load, textEncode: t.textEncode, unetLoop: t.unetLoop, decode: t.decode, total: t.total,
    steps: result.steps.map((s) => s.seconds),
    steadyUnetSeconds: steadyRunSeconds(result),
    ...(speedup ? { baseline: { unetSeconds: speedup.baselineUnetSeconds, basis: speedup.basis } } : {}),
  };
}

/**
 * Steady-state UNet seconds of a run (steady-time.ts). Hires fix's second-pass evaluations run at another size,
 * so their medians are taken apart from the first pass's.
 */
export function steadyRunSeconds(result: Pick<GenerateResult, 'steps' | 'plan' | 'hires'>): number {
  if (!result.hires) return steadyLoopSeconds(result.steps);
  const firstPass = result.plan.schedule.split(',').length;
  return steadyLoopSeconds(result.steps.map((s, i) => (i < firstPass ? s : { ...s, kind: `hires-${s.kind}` })));
}

export function timingsDto(t: RecordedTimings): StageTimingsDto {
  return { load: t.load, textEncode: t.textEncode, unetLoop: t.unetLoop, decode: t.decode, save: t.save ?? 0, total: t.wall ?? t.total };
}

/** Steady-state UNet seconds of a stored generation (older rows: the raw UNet loop). */
export function steadySecondsOf(timings: RecordedTimings | null, unetSeconds: number | null): number | null {
  return typeof timings?.steadyUnetSeconds === 'number' ? timings.steadyUnetSeconds : unetSeconds;
}

/** The speed-up of a stored generation, with its basis when the row recorded one. */
export function speedupFromRecord(speedup: number | null, timings: RecordedTimings | null): SpeedupDto | null {
  const b = timings?.baseline;
  if (speedup === null || !b || typeof b.unetSeconds !== 'number' || (b.basis !== 'measured' && b.basis !== 'estimated')) return null;
  return { value: speedup, basis: b.basis, baselineUnetSeconds: b.unetSeconds };
}
