// Image-to-image sources (issue 9, migration 3): stored pictures and masks, and which of them each
// image-to-image generation started from, with its settings.
import type Database from 'better-sqlite3';
import type { SourceImageKind } from '../../preload/contract/vocabulary';
import { fromJsonColumn, toJsonColumn } from './json-column';

export interface SourceImageRecord {
  id: number;
  kind: SourceImageKind;
  path: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  createdAt: number;
}

export type NewSourceImage = Omit<SourceImageRecord, 'id' | 'createdAt'>;

interface SourceImageRow {
  id: number;
  kind: SourceImageKind;
  path: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  created_at: number;
}

const toRecord = (r: SourceImageRow): SourceImageRecord => ({
  id: r.id, kind: r.kind, path: r.path, width: r.width, height: r.height, bytes: r.bytes, sha256: r.sha256, createdAt: r.created_at,
});

/** What a generation started from; `settings` is the service's (strength, resize mode, mask options, outpaint). */
export interface GenerationSource {
  imageId: number;
  maskId: number | null;
  settings: Record<string, unknown>;
}

export class SourceImagesRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly byHashStmt;
  private readonly linkStmt;
  private readonly ofGenerationStmt;
  private readonly ofLibraryImageStmt;
  private readonly deleteUnusedStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO source_images (kind, path, width, height, bytes, sha256, created_at)
      VALUES (@kind, @path, @width, @height, @bytes, @sha256, @createdAt)`);
    this.getStmt = db.prepare<[number], SourceImageRow>('SELECT * FROM source_images WHERE id = ?');
    this.byHashStmt = db.prepare<[string, string], SourceImageRow>('SELECT * FROM source_images WHERE kind = ? AND sha256 = ?');
    this.linkStmt = db.prepare(`
      INSERT INTO generation_sources (generation_id, image_id, mask_id, settings) VALUES (@generationId, @imageId, @maskId, @settings)`);
    this.ofGenerationStmt = db.prepare<[number], { image_id: number; mask_id: number | null; settings: string }>(
      'SELECT image_id, mask_id, settings FROM generation_sources WHERE generation_id = ?');
    this.ofLibraryImageStmt = db.prepare<[string], { generation_id: number }>(`
      SELECT s.generation_id FROM images i JOIN generation_sources s ON s.generation_id = i.generation_id WHERE i.sha256 = ? LIMIT 1`);
    this.deleteUnusedStmt = db.prepare<[number], { path: string }>(`
      DELETE FROM source_images WHERE created_at < ?
        AND NOT EXISTS (SELECT 1 FROM generation_sources s WHERE s.image_id = source_images.id OR s.mask_id = source_images.id)
      RETURNING path`);
  }

  /** The stored row for this file (same kind and hash), or a new one. */
  insertOrGet(image: NewSourceImage, createdAt: number = Date.now()): SourceImageRecord {
    const known = this.byHash(image.kind, image.sha256);
    if (known) return known;
    const id = Number(this.insertStmt.run({ ...image, createdAt }).lastInsertRowid);
    return { ...image, id, createdAt };
  }

  get(id: number): SourceImageRecord | null {
    const row = this.getStmt.get(id);
    return row ? toRecord(row) : null;
  }

  byHash(kind: SourceImageKind, sha256: string): SourceImageRecord | null {
    const row = this.byHashStmt.get(kind, sha256);
    return row ? toRecord(row) : null;
  }

  /** Record what generation `generationId` starts from (with its pending row, in the same transaction). */
  link(generationId: number, source: GenerationSource): void {
    this.linkStmt.run({ generationId, imageId: source.imageId, maskId: source.maskId, settings: toJsonColumn(source.settings) });
  }

  /** What generation `generationId` started from; null for text-to-image. */
  ofGeneration(generationId: number): GenerationSource | null {
    const row = this.ofGenerationStmt.get(generationId);
    if (!row) return null;
    const settings = fromJsonColumn<Record<string, unknown> | null>(row.settings, null);
    return settings ? { imageId: row.image_id, maskId: row.mask_id, settings } : null;
  }

  /** What the library image with this file hash was made from (a PNG dropped back in), or null. */
  ofLibraryImage(sha256: string): GenerationSource | null {
    const row = this.ofLibraryImageStmt.get(sha256);
    return row ? this.ofGeneration(row.generation_id) : null;
  }

  /**
   * Remove the rows of sources no generation uses any more (their generations were purged, or the picture was
   * dropped in and never run) that were stored before `createdBefore`; returns their files for the caller to
   * delete. The age keeps a source another process (the CLI on the same library) has just stored and not yet
   * linked to its generation.
   */
  deleteUnused(createdBefore: number): string[] {
    return this.deleteUnusedStmt.all(createdBefore).map((r) => r.path);
  }
}
