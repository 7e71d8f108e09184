// Image files of generations: where each PNG and its thumbnail live, their size and hash. Rows are created
// only together with the generation's 'complete' status (GenerationsRepo.markComplete).
import type Database from 'better-sqlite3';
import type { GenerationStatus, ImageRecord } from './generation-record';

export interface NewImage {
  path: string;
  thumbPath: string | null;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
}

/** What startup reconciliation needs about every image row. */
export interface ImageFileRow extends ImageRecord {
  status: GenerationStatus;
  deleted: boolean;
}

interface ImageRow {
  id: number;
  generation_id: number;
  path: string;
  thumb_path: string | null;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  missing: number;
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    generationId: row.generation_id,
    path: row.path,
    thumbPath: row.thumb_path,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    sha256: row.sha256,
    missing: row.missing === 1,
  };
}

export class ImagesRepo {
  private readonly insertStmt;
  private readonly byGenerationStmt;
  private readonly allStmt;
  private readonly missingStmt;
  private readonly thumbStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO images (generation_id, path, thumb_path, width, height, bytes, sha256)
      VALUES (@generationId, @path, @thumbPath, @width, @height, @bytes, @sha256)`);
    this.byGenerationStmt = db.prepare<[number], ImageRow>('SELECT * FROM images WHERE generation_id = ?');
    this.allStmt = db.prepare<[], ImageRow & { status: GenerationStatus; deleted: number }>(`
      SELECT i.*, g.status, g.deleted_at IS NOT NULL AS deleted
      FROM images i JOIN generations g ON g.id = i.generation_id`);
    this.missingStmt = db.prepare('UPDATE images SET missing = ? WHERE id = ? AND missing <> ?');
    this.thumbStmt = db.prepare('UPDATE images SET thumb_path = ? WHERE id = ?');
  }

  /** Part of markComplete's transaction; not meant to be called on its own. */
  insert(generationId: number, image: NewImage): number {
    return Number(this.insertStmt.run({ generationId, ...image }).lastInsertRowid);
  }

  getByGeneration(generationId: number): ImageRecord | undefined {
    const row = this.byGenerationStmt.get(generationId);
    return row && toRecord(row);
  }

  /** Every image row with its generation's status (≈100 bytes per row: fine for 100 000 images). */
  listAll(): ImageFileRow[] {
    return this.allStmt.all().map((row) => ({ ...toRecord(row), status: row.status, deleted: row.deleted === 1 }));
  }

  /** Returns true when the flag changed. */
  setMissing(imageId: number, missing: boolean): boolean {
    const flag = missing ? 1 : 0;
    return this.missingStmt.run(flag, imageId, flag).changes === 1;
  }

  setThumbPath(imageId: number, thumbPath: string | null): void {
    this.thumbStmt.run(thumbPath, imageId);
  }
}
