// The gallery page query: complete, not-deleted generations newest first, with optional filters and
// keyset pagination on (created_at, id), so page N costs the same as page 1 at any library size.
// The WHERE clause repeats the partial-index predicate literally (status = 'complete' AND deleted_at IS NULL):
// SQLite only uses a partial index when the query's terms imply its WHERE, which bound parameters do not.
// Ref: https://www.sqlite.org/partialindex.html §2.1; https://use-the-index-luke.com/no-offset
import type Database from 'better-sqlite3';
import { AppError } from '../common/app-error';
import { GENERATION_SELECT, toGenerationRecord, type GenerationMode, type GenerationRecord, type GenerationRow } from './generation-record';
import { toFtsMatchExpression, type SearchColumns } from './fts-query';

export interface GalleryQuery {
  /** Free text; matched against the prompt (and the negative prompt when searchColumns says so). */
  search?: string;
  searchColumns?: SearchColumns;
  modelId?: number;
  mode?: GenerationMode;
  favouritesOnly?: boolean;
  /** created_at >= from (Unix ms). */
  from?: number;
  /** created_at < to (Unix ms). */
  to?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  limit: number;
}

export interface GalleryPage {
  items: GenerationRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_GALLERY_PAGE = 200;

interface Cursor {
  createdAt: number;
  id: number;
}

function encodeCursor(c: Cursor): string {
  return `${c.createdAt}.${c.id}`;
}

function decodeCursor(text: string): Cursor {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(text);
  if (!m) throw new AppError('invalid-parameters', 'The gallery position is invalid; reload the gallery.', text);
  return { createdAt: Number(m[1]), id: Number(m[2]) };
}

/** Build the SQL and its named parameters for one query shape. Exported for EXPLAIN QUERY PLAN tests. */
export function buildGallerySql(query: GalleryQuery): { sql: string; params: Record<string, number | string> } {
  const where = ["g.status = 'complete'", 'g.deleted_at IS NULL'];
  const params: Record<string, number | string> = {};
  if (query.modelId !== undefined) {
    where.push('g.model_id = @modelId');
    params.modelId = query.modelId;
  }
  if (query.mode !== undefined) {
    where.push('g.mode = @mode');
    params.mode = query.mode;
  }
  if (query.favouritesOnly) where.push('g.favourite = 1');
  if (query.from !== undefined) {
    where.push('g.created_at >= @from');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    where.push('g.created_at < @to');
    params.to = query.to;
  }
  const match = query.search === undefined ? null : toFtsMatchExpression(query.search, query.searchColumns);
  if (match !== null) {
    where.push('g.id IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @match)');
    params.match = match;
  }
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    // Row-value comparison split so the first term is an index range on created_at.
    where.push('g.created_at <= @cursorAt AND (g.created_at < @cursorAt OR g.id < @cursorId)');
    params.cursorAt = cursor.createdAt;
    params.cursorId = cursor.id;
  }
  const limit = Math.max(1, Math.min(MAX_GALLERY_PAGE, Math.floor(query.limit)));
  params.limit = limit + 1;
  // Without a mode, model, favourite or text filter only the created_at index fits. Named, because with
  // statistics and eight modes the planner would rather skip-scan (mode, created_at) for a date range and
  // sort the result in a temporary B-tree, which costs a sort of the whole range for every page.
  const byDateOnly = query.mode === undefined && query.modelId === undefined && !query.favouritesOnly && match === null;
  const select = byDateOnly ? GENERATION_SELECT.replace('FROM generations g', 'FROM generations g INDEXED BY generations_gallery_created') : GENERATION_SELECT;
  const sql = `${select}\n  WHERE ${where.join(' AND ')}\n  ORDER BY g.created_at DESC, g.id DESC\n  LIMIT @limit`;
  return { sql, params };
}

export class GalleryQueries {
  /** One prepared statement per query shape (at most 2^7 shapes). */
  private readonly statements = new Map<string, Database.Statement<[Record<string, number | string>], GenerationRow>>();

  constructor(private readonly db: Database.Database) {}

  list(query: GalleryQuery): GalleryPage {
    const { sql, params } = buildGallerySql(query);
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<[Record<string, number | string>], GenerationRow>(sql);
      this.statements.set(sql, stmt);
    }
    const rows = stmt.all(params);
    const pageSize = Number(params.limit) - 1;
    const items = rows.slice(0, pageSize).map(toGenerationRecord);
    const last = items[items.length - 1];
    const nextCursor = rows.length > pageSize && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
    return { items, nextCursor };
  }
}
