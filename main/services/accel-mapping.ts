// The UI's AccelDto ↔ the engine's AccelSettings ↔ the database's (mode, schedule, accel JSON) columns.
import type { AccelDto } from '../../preload/contract';
import type { AccelSettings } from '../engine/index';
import type { AccelParams, GenerationMode } from '../db/generation-record';

export function toAccelSettings(dto: AccelDto): AccelSettings {
  return { ...dto };
}

/** The accel JSON column: everything but mode and schedule. */
export function accelParams(dto: AccelDto): AccelParams {
  const { mode: _mode, schedule: _schedule, ...params } = dto;
  return params;
}

/** Back from stored columns (a per-step prune-ratio list, which the UI cannot edit, is left out). */
export function accelFromColumns(mode: GenerationMode, schedule: string | null, params: AccelParams): AccelDto {
  const dto: AccelDto = { mode };
  if (schedule !== null) dto.schedule = schedule;
  if (typeof params.cacheInterval === 'number') dto.cacheInterval = params.cacheInterval;
  if (typeof params.pruneRatio === 'number') dto.pruneRatio = params.pruneRatio;
  if (typeof params.gamma === 'number') dto.gamma = params.gamma;
  if (typeof params.alpha === 'number') dto.alpha = params.alpha;
  if (typeof params.flip === 'number') dto.flip = params.flip;
  if (typeof params.adaptiveThreshold === 'number') dto.adaptiveThreshold = params.adaptiveThreshold;
  return dto;
}

/** Every evaluation full and nothing pruned: a run that measures the baseline. */
export function isBaselinePlan(plan: { mode: string; counts: { medium: number; shallow: number; skip: number }; pruneRatios: readonly number[] }): boolean {
  return plan.mode !== 'adaptive' && plan.counts.medium === 0 && plan.counts.shallow === 0 && plan.counts.skip === 0
    && plan.pruneRatios.every((r) => r === 0);
}

/** Every evaluation full and nothing pruned, from a stored row: a plain (baseline) run. */
export function isPlainRun(r: { mode: GenerationMode; schedule: string | null; accel: AccelParams }): boolean {
  return r.mode === 'baseline' && r.schedule === null && !r.accel.pruneRatio;
}
