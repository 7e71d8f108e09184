// Prompt history: the distinct prompts of finished, not-deleted generations, most recently used first, with
// how often each ran, optionally narrowed by the same full-text search as the gallery (fts-query.ts).
import type Database from 'better-sqlite3';
import { toFtsMatchExpression } from './fts-query';

export interface PromptUse {
  prompt: string;
  uses: number;
  lastUsedAt: number;
}

export const MAX_PROMPT_HISTORY = 200;

export class PromptHistory {
  private readonly all;
  private readonly matching;

  constructor(db: Database.Database) {
    const select = (filter: string) => db.prepare<Record<string, number | string>, PromptUse>(`
      SELECT prompt, COUNT(*) AS uses, MAX(created_at) AS lastUsedAt FROM generations
      WHERE status = 'complete' AND deleted_at IS NULL AND prompt <> '' ${filter}
      GROUP BY prompt ORDER BY lastUsedAt DESC LIMIT @limit`);
    this.all = select('');
    this.matching = select('AND id IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @match)');
  }

  list(search: string | undefined, limit: number): PromptUse[] {
    const bounded = Math.max(1, Math.min(MAX_PROMPT_HISTORY, Math.floor(limit)));
    const match = search === undefined ? null : toFtsMatchExpression(search);
    return match === null ? this.all.all({ limit: bounded }) : this.matching.all({ limit: bounded, match });
  }
}
