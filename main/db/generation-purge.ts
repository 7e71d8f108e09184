// Permanently remove chosen generations now (the gallery's confirmed delete), as GenerationsRepo.purgeDeleted
// does for everything soft-deleted: rows first, in one transaction; the caller then deletes the returned
// files (a crash in between leaves files without rows, which reconciliation quarantines).
import type Database from 'better-sqlite3';
import type { PurgeResult } from './generations-repo';

export function purgeGenerationsById(db: Database.Database, ids: readonly number[]): PurgeResult {
  const select = db.prepare<[number], { id: number; path: string | null; thumb_path: string | null }>(
    'SELECT g.id, i.path, i.thumb_path FROM generations g LEFT JOIN images i ON i.generation_id = g.id WHERE g.id = ?');
  const remove = db.prepare('DELETE FROM generations WHERE id = ?');
  return db.transaction(() => {
    const rows = ids.map((id) => select.get(id)).filter((r): r is NonNullable<typeof r> => r !== undefined);
    for (const row of rows) remove.run(row.id);
    return {
      generationIds: rows.map((r) => r.id),
      files: rows.flatMap((r) => [r.path, r.thumb_path].filter((p): p is string => p !== null)),
    };
  }).immediate();
}
