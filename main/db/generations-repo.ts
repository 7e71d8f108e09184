// Generations: a row per image a job produces, written 'pending' before the file exists and switched to
// 'complete' together with its image row in one transaction (F-01). Deleting is soft first (undo), then
// purged; a purge returns the files the caller must remove.
// Writes use .run(), never INSERT … RETURNING with .get(): in autocommit mode the commit happens when the
// statement is reset, and better-sqlite3's .get() drops an error returned by that reset (SQLITE_FULL,
// SQLITE_BUSY), reporting an id for a row that was never committed (sqlite.org/c3ref/reset.html).
import type Database from 'better-sqlite3';
import { AppError } from '../common/app-error';
import {
  GENERATION_SELECT, GENERATION_STATUSES, toGenerationRecord,
  type GenerationRecord, type GenerationRow, type GenerationStatus, type NewGeneration, type StageTimings,
} from './generation-record';
import { GalleryQueries, type GalleryPage, type GalleryQuery } from './gallery-query';
import { PromptHistory, type PromptUse } from './prompt-history';
import type { ImagesRepo, NewImage } from './images-repo';
import { toJsonColumn } from './json-column';

/** What is known once the image is decoded: where it ran and how long each stage took. */
export interface Completion {
  provider: string;
  timings: StageTimings;
  unetSeconds: number | null;
  /** Measured speed-up against the baseline estimate for the same settings; null when unknown. */
  speedup: number | null;
}

export interface PurgeResult {
  generationIds: number[];
  /** Image and thumbnail files of the purged rows, to be removed by the caller after this returns. */
  files: string[];
}

/** The hires column's text, keys in one order, so equal settings are equal text (sameSeedRuns compares it). */
function hiresColumn(h: NewGeneration['hires']): string | null {
  return h ? toJsonColumn({ scale: h.scale, steps: h.steps, strength: h.strength, upscaler: h.upscaler }) : null;
}

export class GenerationsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly completeStmt;
  private readonly failStmt;
  private readonly favouriteStmt;
  private readonly softDeleteStmt;
  private readonly undoDeleteStmt;
  private readonly purgeCandidatesStmt;
  private readonly purgeStmt;
  private readonly countStmt;
  private readonly pendingStmt;
  private readonly sameSeedStmt;
  private readonly psnrStmt;
  private readonly withPsnrStmt;
  private readonly gallery;
  private readonly prompts;

  constructor(private readonly db: Database.Database, private readonly images: ImagesRepo) {
    this.insertStmt = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO generations (job_id, batch_index, model_id, prompt, negative_prompt, sampler, steps, cfg,
        width, height, seed, mode, schedule, accel, comparison_group_id, hires, status, created_at)
      VALUES (@jobId, @batchIndex, @modelId, @prompt, @negativePrompt, @sampler, @steps, @cfg,
        @width, @height, @seed, @mode, @schedule, @accel, @comparisonGroupId, @hires, 'pending', @createdAt)`);
    this.getStmt = db.prepare<[number], GenerationRow>(`${GENERATION_SELECT} WHERE g.id = ?`);
    this.completeStmt = db.prepare(`
      UPDATE generations SET status = 'complete', error = NULL, provider = @provider, timings = @timings,
        unet_seconds = @unetSeconds, speedup = @speedup
      WHERE id = @id AND status = 'pending'`);
    this.failStmt = db.prepare(`UPDATE generations SET status = @status, error = @error
      WHERE id = @id AND status = 'pending'`);
    this.favouriteStmt = db.prepare('UPDATE generations SET favourite = ? WHERE id = ?');
    this.softDeleteStmt = db.prepare('UPDATE generations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
    this.undoDeleteStmt = db.prepare('UPDATE generations SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL');
    this.purgeCandidatesStmt = db.prepare<[number], { id: number; path: string | null; thumb_path: string | null }>(`
      SELECT g.id, i.path, i.thumb_path FROM generations g LEFT JOIN images i ON i.generation_id = g.id
      WHERE g.deleted_at IS NOT NULL AND g.deleted_at <= ?`);
    this.purgeStmt = db.prepare('DELETE FROM generations WHERE id = ?');
    this.countStmt = db.prepare<[], { status: GenerationStatus; n: number }>(
      'SELECT status, count(*) AS n FROM generations WHERE deleted_at IS NULL GROUP BY status');
    this.pendingStmt = db.prepare<[], GenerationRow>(`${GENERATION_SELECT} WHERE g.status = 'pending' ORDER BY g.id`);
    this.sameSeedStmt = db.prepare<[Record<string, unknown>], GenerationRow>(`${GENERATION_SELECT}
      WHERE g.status = 'complete' AND g.deleted_at IS NULL AND g.model_id = @modelId AND g.prompt = @prompt
        AND g.negative_prompt = @negativePrompt AND g.sampler = @sampler AND g.steps = @steps AND g.cfg = @cfg
        AND g.width = @width AND g.height = @height AND g.seed = @seed AND g.hires IS @hires
      ORDER BY g.id`);
    this.psnrStmt = db.prepare('UPDATE generations SET psnr_vs_baseline = ? WHERE id = ?');
    this.withPsnrStmt = db.prepare<[number, string, number], GenerationRow>(`${GENERATION_SELECT}
      WHERE g.status = 'complete' AND g.deleted_at IS NULL AND g.model_id = ? AND g.sampler = ? AND g.steps = ?
        AND g.psnr_vs_baseline IS NOT NULL AND g.hires IS NULL
      ORDER BY g.id`);
    this.gallery = new GalleryQueries(db);
    this.prompts = new PromptHistory(db);
  }

  /** Record a generation before its image exists; returns its id. */
  insertPending(generation: NewGeneration, createdAt: number = Date.now()): number {
    return Number(this.insertStmt.run({
      ...generation,
      accel: toJsonColumn(generation.accel),
      comparisonGroupId: generation.comparisonGroupId ?? null,
      hires: hiresColumn(generation.hires),
      createdAt,
    }).lastInsertRowid);
  }

  /** pending → complete plus its image row, atomically: a complete row always has its file (F-01). */
  markComplete(id: number, image: NewImage, completion: Completion): void {
    this.db.transaction(() => {
      const changed = this.completeStmt.run({
        id,
        provider: completion.provider,
        timings: toJsonColumn(completion.timings),
        unetSeconds: completion.unetSeconds,
        speedup: completion.speedup,
      }).changes;
      if (changed !== 1) {
        throw new AppError('internal', 'Internal error: the image was saved for a generation that is no longer pending.',
          `generation ${id}`);
      }
      this.images.insert(id, image);
    }).immediate();
  }

  /** pending → failed / interrupted. Returns false when the row was not pending (already settled). */
  markFailed(id: number, error: string, status: 'failed' | 'interrupted' = 'failed'): boolean {
    return this.failStmt.run({ id, error, status }).changes === 1;
  }

  setFavourite(id: number, favourite: boolean): boolean {
    return this.favouriteStmt.run(favourite ? 1 : 0, id).changes === 1;
  }

  /** Hide from the gallery (undoable). Returns the ids that were actually deleted by this call. */
  softDelete(ids: readonly number[], now: number = Date.now()): number[] {
    return this.db.transaction(() => ids.filter((id) => this.softDeleteStmt.run(now, id).changes === 1)).immediate();
  }

  undoDelete(ids: readonly number[]): number[] {
    return this.db.transaction(() => ids.filter((id) => this.undoDeleteStmt.run(id).changes === 1)).immediate();
  }

  /**
   * Permanently remove rows soft-deleted at or before `deletedBefore` (default: all of them). The rows go
   * first; the caller then deletes the returned files. A crash in between leaves files without rows, which
   * reconciliation quarantines: nothing the user still sees is ever lost.
   */
  purgeDeleted(deletedBefore: number = Number.MAX_SAFE_INTEGER): PurgeResult {
    return this.db.transaction(() => {
      const rows = this.purgeCandidatesStmt.all(deletedBefore);
      for (const row of rows) this.purgeStmt.run(row.id);
      return {
        generationIds: rows.map((r) => r.id),
        files: rows.flatMap((r) => [r.path, r.thumb_path].filter((p): p is string => p !== null)),
      };
    }).immediate();
  }

  get(id: number): GenerationRecord | undefined {
    const row = this.getStmt.get(id);
    return row && toGenerationRecord(row);
  }

  /** Finished, not deleted generations with the same model, prompts, sampling, size, seed and hires fix as `g` (itself included). */
  sameSeedRuns(g: GenerationRecord): GenerationRecord[] {
    return this.sameSeedStmt.all({
      modelId: g.modelId, prompt: g.prompt, negativePrompt: g.negativePrompt, sampler: g.sampler, steps: g.steps, cfg: g.cfg,
      width: g.width, height: g.height, seed: g.seed, hires: hiresColumn(g.hires),
    }).map(toGenerationRecord);
  }

  setPsnrVsBaseline(id: number, psnr: number): boolean {
    return this.psnrStmt.run(psnr, id).changes === 1;
  }

  /**
   * Finished generations of a model, sampler and step count that have a PSNR against a same-seed baseline
   * (not hires-fix runs: they ran a second pass at another size and step count).
   */
  listWithPsnr(modelId: number, sampler: string, steps: number): GenerationRecord[] {
    return this.withPsnrStmt.all(modelId, sampler, steps).map(toGenerationRecord);
  }

  listPending(): GenerationRecord[] {
    return this.pendingStmt.all().map(toGenerationRecord);
  }

  /** Counts of not-deleted generations per status (every status present, zero when none). */
  countByStatus(): Record<GenerationStatus, number> {
    const counts = Object.fromEntries(GENERATION_STATUSES.map((s) => [s, 0])) as Record<GenerationStatus, number>;
    for (const { status, n } of this.countStmt.all()) counts[status] = n;
    return counts;
  }

  listGallery(query: GalleryQuery): GalleryPage {
    return this.gallery.list(query);
  }

  /** Distinct prompts, most recently used first (prompt-history.ts). */
  recentPrompts(search: string | undefined, limit: number): PromptUse[] {
    return this.prompts.list(search, limit);
  }
}
