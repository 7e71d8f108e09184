// Calibrated schedules per model fingerprint + sampler + steps + guidance + size: the Pareto front a
// calibration found (cost vs fidelity) and, while a run is unfinished, the search state it resumes from.
import type Database from 'better-sqlite3';
import type { PlainPoint } from '../engine/index';
import { fromJsonColumn, toJsonColumn } from './json-column';

export interface CalibrationKey {
  fingerprint: string;
  sampler: string;
  steps: number;
  cfg: number;
  width: number;
  height: number;
}

export interface FrontPoint {
  /** `F,M,S,K` letters, one per evaluation of the calibrated step count; empty for the adaptive rule. */
  schedule: string;
  /** Set when the point is the adaptive rule at this threshold (it decides the step kinds per image). */
  adaptiveThreshold?: number;
  pruneRatio: number;
  macSpeedup: number;
  /** Mean PSNR vs the baseline images on the calibration prompts, dB. */
  psnr: number;
  /** The fidelity the front was ranked by (worse half of the images, colour shifts counted), dB; absent in older calibrations. */
  fidelity?: number;
}

/** The plain sampler at fewer steps on the calibration's prompts and seeds (the engine's record of it). */
export type { PlainPoint };

export interface CalibrationRecord extends CalibrationKey {
  id: number;
  front: FrontPoint[];
  /** Most steps first; empty for calibrations stored before migration 6. */
  plain: PlainPoint[];
  state: unknown;
  complete: boolean;
  seconds: number;
  updatedAt: number;
}

interface CalibrationRow {
  id: number; fingerprint: string; sampler: string; steps: number; cfg: number; width: number; height: number;
  front: string; plain: string; state: string | null; complete: number; seconds: number; updated_at: number;
}

function toRecord(r: CalibrationRow): CalibrationRecord {
  return {
    id: r.id, fingerprint: r.fingerprint, sampler: r.sampler, steps: r.steps, cfg: r.cfg, width: r.width, height: r.height,
    front: fromJsonColumn<FrontPoint[]>(r.front, []), plain: fromJsonColumn<PlainPoint[]>(r.plain, []), state: r.state === null ? null : fromJsonColumn<unknown>(r.state, null),
    complete: r.complete === 1, seconds: r.seconds, updatedAt: r.updated_at,
  };
}

const KEY_WHERE = 'fingerprint = ? AND sampler = ? AND steps = ? AND cfg = ? AND width = ? AND height = ?';
const keyValues = (k: CalibrationKey): unknown[] => [k.fingerprint, k.sampler, k.steps, k.cfg, k.width, k.height];

export class CalibrationsRepo {
  constructor(private readonly db: Database.Database) {}

  get(key: CalibrationKey): CalibrationRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM calibrations WHERE ${KEY_WHERE}`).get(...keyValues(key)) as CalibrationRow | undefined;
    return row && toRecord(row);
  }

  /** Every complete calibration of one model. */
  listForModel(fingerprint: string): CalibrationRecord[] {
    return (this.db.prepare('SELECT * FROM calibrations WHERE fingerprint = ? AND complete = 1 ORDER BY updated_at DESC')
      .all(fingerprint) as CalibrationRow[]).map(toRecord);
  }

  /** Store progress (state, seconds so far) or a finished front and its plain line; one row per key. */
  save(key: CalibrationKey, fields: { front: FrontPoint[]; plain?: PlainPoint[]; state: unknown; complete: boolean; seconds: number }, now = Date.now()): void {
    this.db.prepare(`
      INSERT INTO calibrations (fingerprint, sampler, steps, cfg, width, height, front, plain, state, complete, seconds, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (fingerprint, sampler, steps, cfg, width, height)
      DO UPDATE SET front = excluded.front, plain = excluded.plain, state = excluded.state, complete = excluded.complete,
                    seconds = excluded.seconds, updated_at = excluded.updated_at`)
      .run(...keyValues(key), toJsonColumn(fields.front), toJsonColumn(fields.plain ?? []), fields.state === null ? null : toJsonColumn(fields.state),
        fields.complete ? 1 : 0, fields.seconds, now);
  }
}
