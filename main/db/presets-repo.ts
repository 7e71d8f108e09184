// Acceleration presets. The built-in ones (Baseline, Cached-only, DaTo, DaTo fast) are seeded by migration
// 001 and are read-only; users save their own under new names.
import type Database from 'better-sqlite3';
import { AppError } from '../common/app-error';
import type { AccelParams, GenerationMode } from './generation-record';
import { fromJsonColumn, toJsonColumn } from './json-column';

export interface NewPreset {
  name: string;
  mode: GenerationMode;
  /** Explicit schedule (F / S / K per evaluation, resampled to the step count), or null for the mode's own. */
  schedule: string | null;
  accel: AccelParams;
}

export interface PresetRecord extends NewPreset {
  id: number;
  builtin: boolean;
}

interface PresetRow {
  id: number;
  name: string;
  mode: GenerationMode;
  schedule: string | null;
  accel: string;
  builtin: number;
}

function toRecord(row: PresetRow): PresetRecord {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    schedule: row.schedule,
    accel: fromJsonColumn<AccelParams>(row.accel, {}),
    builtin: row.builtin === 1,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function duplicateName(name: string): AppError {
  return new AppError('invalid-parameters', `A preset named "${name}" already exists; choose another name.`);
}

function readOnlyBuiltin(name: string): AppError {
  return new AppError('invalid-parameters', `"${name}" is a built-in preset and cannot be changed; save a copy under a new name.`);
}

export class PresetsRepo {
  private readonly listStmt;
  private readonly getStmt;
  private readonly byNameStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly removeStmt;

  constructor(db: Database.Database) {
    this.listStmt = db.prepare<[], PresetRow>('SELECT * FROM presets ORDER BY builtin DESC, id');
    this.getStmt = db.prepare<[number], PresetRow>('SELECT * FROM presets WHERE id = ?');
    this.byNameStmt = db.prepare<[string], PresetRow>('SELECT * FROM presets WHERE name = ?');
    this.insertStmt = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO presets (name, mode, schedule, accel, builtin) VALUES (@name, @mode, @schedule, @accel, 0)`);
    this.updateStmt = db.prepare(`
      UPDATE presets SET name = @name, mode = @mode, schedule = @schedule, accel = @accel
      WHERE id = @id AND builtin = 0`);
    this.removeStmt = db.prepare('DELETE FROM presets WHERE id = ? AND builtin = 0');
  }

  /** Built-in presets first, in seeding order, then the user's in creation order. */
  list(): PresetRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  get(id: number): PresetRecord | undefined {
    const row = this.getStmt.get(id);
    return row && toRecord(row);
  }

  getByName(name: string): PresetRecord | undefined {
    const row = this.byNameStmt.get(name);
    return row && toRecord(row);
  }

  create(preset: NewPreset): PresetRecord {
    try {
      const id = Number(this.insertStmt.run({ ...preset, accel: toJsonColumn(preset.accel) }).lastInsertRowid);
      const created = this.get(id);
      if (!created) throw new Error('presets: insert returned no row');
      return created;
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateName(preset.name) : err;
    }
  }

  /** Replace a user preset. Built-in presets are refused. Returns false when the id does not exist. */
  update(id: number, preset: NewPreset): boolean {
    const existing = this.get(id);
    if (!existing) return false;
    if (existing.builtin) throw readOnlyBuiltin(existing.name);
    try {
      return this.updateStmt.run({ id, ...preset, accel: toJsonColumn(preset.accel) }).changes === 1;
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateName(preset.name) : err;
    }
  }

  remove(id: number): boolean {
    const existing = this.get(id);
    if (!existing) return false;
    if (existing.builtin) throw readOnlyBuiltin(existing.name);
    return this.removeStmt.run(id).changes === 1;
  }
}
