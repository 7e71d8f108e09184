// The model library: one row per checkpoint file or diffusers folder the user added, with the fingerprint
// (size, mtime, header hash) used to notice a file that changed since it was validated (M-09).
// Writes use .run(), never INSERT … RETURNING with .get(): in autocommit mode the commit happens when the
// statement is reset, and better-sqlite3's .get() drops an error returned by that reset (SQLITE_FULL,
// SQLITE_BUSY), reporting an id for a row that was never committed (sqlite.org/c3ref/reset.html).
import type Database from 'better-sqlite3';
import { fromJsonColumn, toJsonColumn } from './json-column';

export type ModelKind = 'single-file' | 'diffusers' | 'embedded';

/** What the engine detected (architecture family, component shapes); stored as JSON, shown in the UI. */
export type ArchitectureSummary = Record<string, unknown>;

export interface ModelFingerprint {
  sizeBytes: number;
  /** File modification time, Unix milliseconds. */
  fileMtime: number;
  headerHash: string;
}

export interface NewModel extends ModelFingerprint {
  name: string;
  path: string;
  kind: ModelKind;
  architecture: ArchitectureSummary;
}

export interface ModelRecord extends NewModel {
  id: number;
  isDefault: boolean;
  addedAt: number;
}

interface ModelRow {
  id: number;
  name: string;
  path: string;
  kind: ModelKind;
  architecture: string;
  size_bytes: number;
  file_mtime: number;
  header_hash: string;
  is_default: number;
  added_at: number;
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    kind: row.kind,
    architecture: fromJsonColumn<ArchitectureSummary>(row.architecture, {}),
    sizeBytes: row.size_bytes,
    fileMtime: row.file_mtime,
    headerHash: row.header_hash,
    isDefault: row.is_default === 1,
    addedAt: row.added_at,
  };
}

export class ModelsRepo {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly byPathStmt;
  private readonly listStmt;
  private readonly defaultStmt;
  private readonly fingerprintStmt;
  private readonly renameStmt;
  private readonly clearDefaultStmt;
  private readonly setDefaultStmt;
  private readonly removeStmt;

  constructor(private readonly db: Database.Database) {
    this.upsertStmt = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO models (name, path, kind, architecture, size_bytes, file_mtime, header_hash, added_at)
      VALUES (@name, @path, @kind, @architecture, @sizeBytes, @fileMtime, @headerHash, @addedAt)
      ON CONFLICT (path) DO UPDATE SET
        kind = excluded.kind, architecture = excluded.architecture, size_bytes = excluded.size_bytes,
        file_mtime = excluded.file_mtime, header_hash = excluded.header_hash`);
    this.getStmt = db.prepare<[number], ModelRow>('SELECT * FROM models WHERE id = ?');
    this.byPathStmt = db.prepare<[string], ModelRow>('SELECT * FROM models WHERE path = ?');
    this.listStmt = db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY name COLLATE NOCASE, id');
    this.defaultStmt = db.prepare<[], ModelRow>('SELECT * FROM models WHERE is_default = 1');
    this.fingerprintStmt = db.prepare(`
      UPDATE models SET size_bytes = @sizeBytes, file_mtime = @fileMtime, header_hash = @headerHash,
        architecture = @architecture WHERE id = @id`);
    this.renameStmt = db.prepare('UPDATE models SET name = ? WHERE id = ?');
    this.clearDefaultStmt = db.prepare('UPDATE models SET is_default = 0 WHERE is_default = 1');
    this.setDefaultStmt = db.prepare('UPDATE models SET is_default = 1 WHERE id = ?');
    this.removeStmt = db.prepare('DELETE FROM models WHERE id = ?');
  }

  /** Add a model, or refresh the fingerprint of the one already registered at the same path (name kept). */
  add(model: NewModel, addedAt: number = Date.now()): ModelRecord {
    return this.db.transaction(() => {
      this.upsertStmt.run({ ...model, architecture: toJsonColumn(model.architecture), addedAt });
      const added = this.getByPath(model.path);
      if (!added) throw new Error(`models: upsert of ${model.path} left no row`);
      return added;
    }).immediate();
  }

  get(id: number): ModelRecord | undefined {
    const row = this.getStmt.get(id);
    return row && toRecord(row);
  }

  getByPath(path: string): ModelRecord | undefined {
    const row = this.byPathStmt.get(path);
    return row && toRecord(row);
  }

  list(): ModelRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  getDefault(): ModelRecord | undefined {
    const row = this.defaultStmt.get();
    return row && toRecord(row);
  }

  /** Record a re-validated file (it changed on disk since it was added). */
  updateFingerprint(id: number, fingerprint: ModelFingerprint, architecture: ArchitectureSummary): boolean {
    return this.fingerprintStmt.run({ id, ...fingerprint, architecture: toJsonColumn(architecture) }).changes === 1;
  }

  rename(id: number, name: string): boolean {
    return this.renameStmt.run(name, id).changes === 1;
  }

  /** Make `id` the default model (at most one default: a partial unique index enforces it). */
  setDefault(id: number): boolean {
    return this.db.transaction(() => {
      if (!this.getStmt.get(id)) return false;
      this.clearDefaultStmt.run();
      this.setDefaultStmt.run(id);
      return true;
    }).immediate();
  }

  /** Forget a model. Its generations stay in the gallery with model_id set to NULL. */
  remove(id: number): boolean {
    return this.removeStmt.run(id).changes === 1;
  }
}
