// A/B comparison groups: the same prompt and seed rendered in several acceleration modes, one of them the
// baseline; each member stores its speed-up and PSNR against that baseline.
import type Database from 'better-sqlite3';
import { GENERATION_SELECT, toGenerationRecord, type GenerationRecord, type GenerationRow } from './generation-record';

export interface ComparisonGroupRecord {
  id: number;
  createdAt: number;
  prompt: string;
  seed: number;
  baselineGenerationId: number | null;
}

export interface MemberMetrics {
  psnrVsBaseline: number | null;
  speedup: number | null;
}

interface GroupRow {
  id: number;
  created_at: number;
  prompt: string;
  seed: number;
  baseline_generation_id: number | null;
}

function toRecord(row: GroupRow): ComparisonGroupRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    prompt: row.prompt,
    seed: row.seed,
    baselineGenerationId: row.baseline_generation_id,
  };
}

export class ComparisonsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly recentStmt;
  private readonly baselineStmt;
  private readonly addMemberStmt;
  private readonly metricsStmt;
  private readonly membersStmt;
  private readonly removeStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare<[number, string, number]>('INSERT INTO comparison_groups (created_at, prompt, seed) VALUES (?, ?, ?)');
    this.getStmt = db.prepare<[number], GroupRow>('SELECT * FROM comparison_groups WHERE id = ?');
    this.recentStmt = db.prepare<[number], GroupRow>('SELECT * FROM comparison_groups ORDER BY created_at DESC, id DESC LIMIT ?');
    this.baselineStmt = db.prepare('UPDATE comparison_groups SET baseline_generation_id = ? WHERE id = ?');
    this.addMemberStmt = db.prepare('UPDATE generations SET comparison_group_id = ? WHERE id = ?');
    this.metricsStmt = db.prepare('UPDATE generations SET psnr_vs_baseline = @psnrVsBaseline, speedup = @speedup WHERE id = @id');
    this.membersStmt = db.prepare<[number], GenerationRow>(
      `${GENERATION_SELECT} WHERE g.comparison_group_id = ? AND g.deleted_at IS NULL ORDER BY g.id`);
    this.removeStmt = db.prepare('DELETE FROM comparison_groups WHERE id = ?');
  }

  create(prompt: string, seed: number, createdAt: number = Date.now()): ComparisonGroupRecord {
    const id = Number(this.insertStmt.run(createdAt, prompt, seed).lastInsertRowid);
    const group = this.get(id);
    if (!group) throw new Error('comparison_groups: insert returned no row');
    return group;
  }

  get(id: number): ComparisonGroupRecord | undefined {
    const row = this.getStmt.get(id);
    return row && toRecord(row);
  }

  listRecent(limit: number): ComparisonGroupRecord[] {
    return this.recentStmt.all(Math.max(1, Math.min(500, Math.floor(limit)))).map(toRecord);
  }

  /** The baseline is also made a member of the group. */
  setBaseline(groupId: number, generationId: number): void {
    this.db.transaction(() => {
      this.baselineStmt.run(generationId, groupId);
      this.addMemberStmt.run(groupId, generationId);
    }).immediate();
  }

  addMember(groupId: number, generationId: number): boolean {
    return this.addMemberStmt.run(groupId, generationId).changes === 1;
  }

  setMetrics(generationId: number, metrics: MemberMetrics): boolean {
    return this.metricsStmt.run({ id: generationId, ...metrics }).changes === 1;
  }

  /** Members in creation order (soft-deleted ones left out). */
  members(groupId: number): GenerationRecord[] {
    return this.membersStmt.all(groupId).map(toGenerationRecord);
  }

  /** Delete the group; its generations stay, with comparison_group_id set to NULL. */
  remove(id: number): boolean {
    return this.removeStmt.run(id).changes === 1;
  }
}
