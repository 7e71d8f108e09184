// The add-ons of the library (issue 11): one row per LoRA, textual-inversion embedding or VAE file, with
// what the checker read from it and its A1111 short hash; and, per generation, what it applied of them.
// Writes use .run() (see models-repo.ts for why not INSERT … RETURNING).
import type Database from 'better-sqlite3';
import type { AddonKind } from '../../preload/contract/vocabulary';
import { fromJsonColumn, toJsonColumn } from './json-column';

/** JSON as the services wrote it (AddonInfoDto, AppliedAddonsDto): main/db knows only the contract's vocabulary. */
export type JsonObject = Readonly<Record<string, unknown>>;

export interface NewAddon {
  kind: AddonKind;
  name: string;
  path: string;
  info: JsonObject;
  hash: string;
  preview: string | null;
  sizeBytes: number;
  fileMtime: number;
}

export interface AddonRecord extends NewAddon {
  id: number;
  addedAt: number;
}

interface AddonRow {
  id: number; kind: AddonKind; name: string; path: string; info: string; hash: string; preview: string | null;
  size_bytes: number; file_mtime: number; added_at: number;
}

function toRecord(r: AddonRow): AddonRecord {
  return {
    id: r.id, kind: r.kind, name: r.name, path: r.path, info: fromJsonColumn<JsonObject>(r.info, {}),
    hash: r.hash, preview: r.preview, sizeBytes: r.size_bytes, fileMtime: r.file_mtime, addedAt: r.added_at,
  };
}

export class AddonsRepo {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly byPathStmt;
  private readonly listStmt;
  private readonly removeStmt;
  private readonly setAppliedStmt;
  private readonly appliedStmt;

  constructor(private readonly db: Database.Database) {
    this.upsertStmt = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO addons (kind, name, path, info, hash, preview, size_bytes, file_mtime, added_at)
      VALUES (@kind, @name, @path, @info, @hash, @preview, @sizeBytes, @fileMtime, @addedAt)
      ON CONFLICT (path) DO UPDATE SET
        kind = excluded.kind, name = excluded.name, info = excluded.info, hash = excluded.hash, preview = excluded.preview,
        size_bytes = excluded.size_bytes, file_mtime = excluded.file_mtime`);
    this.getStmt = db.prepare<[number], AddonRow>('SELECT * FROM addons WHERE id = ?');
    this.byPathStmt = db.prepare<[string], AddonRow>('SELECT * FROM addons WHERE path = ?');
    this.listStmt = db.prepare<[], AddonRow>('SELECT * FROM addons ORDER BY kind, name COLLATE NOCASE, id');
    this.removeStmt = db.prepare('DELETE FROM addons WHERE id = ?');
    this.setAppliedStmt = db.prepare('UPDATE generations SET addons = ? WHERE id = ?');
    this.appliedStmt = db.prepare<[number], { addons: string | null }>('SELECT addons FROM generations WHERE id = ?');
  }

  /** Add an add-on, or refresh the one already registered at the same path. */
  add(addon: NewAddon, addedAt: number = Date.now()): AddonRecord {
    return this.db.transaction(() => {
      this.upsertStmt.run({ ...addon, info: toJsonColumn(addon.info), addedAt });
      const row = this.byPathStmt.get(addon.path);
      if (!row) throw new Error(`addons: upsert of ${addon.path} left no row`);
      return toRecord(row);
    }).immediate();
  }

  get(id: number): AddonRecord | undefined {
    const row = this.getStmt.get(id);
    return row && toRecord(row);
  }

  list(): AddonRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  remove(id: number): boolean {
    return this.removeStmt.run(id).changes === 1;
  }

  /** Record what a generation applied (null: nothing besides the checkpoint). */
  setApplied(generationId: number, applied: JsonObject | null): void {
    this.setAppliedStmt.run(applied === null ? null : toJsonColumn(applied), generationId);
  }

  applied(generationId: number): JsonObject | null {
    const row = this.appliedStmt.get(generationId);
    return row ? fromJsonColumn<JsonObject | null>(row.addons, null) : null;
  }
}
