// Before the queue takes jobs (G-02, F-02): jobs left unfinished by the previous session become
// 'interrupted'; generations deleted in that session (undoable until restart) are purged with their files, and
// image-to-image sources no generation uses any more with theirs; then the output folder and the database are
// reconciled (stray temp files, orphans, missing files).
import { mkdir, rm } from 'node:fs/promises';
import type { StudioDb } from '../db/index';
import { reconcile, type ReconcileReport } from '../images/reconcile';
import type { GalleryService } from './gallery-service';

export const INTERRUPTED_JOB_MESSAGE = 'DaTo Studio closed before this job finished.';

export interface StartupReport extends ReconcileReport {
  interrupted: number[];
  purged: number;
  /** Source pictures and masks removed: no generation used them (issue 9). */
  sourcesRemoved: number;
}

/** A source stays at least this long unused: one dropped in and not yet run, or stored by the CLI a moment ago. */
export const UNUSED_SOURCE_GRACE_MS = 24 * 60 * 60 * 1000;

export async function prepareLibrary(db: StudioDb, gallery: GalleryService, outputDir: string): Promise<StartupReport> {
  if (db.readonly) {
    // A newer app's library: look, don't touch.
    return {
      tempFilesRemoved: [], pendingMarkedFailed: [], quarantined: [], thumbnailsRemoved: [], missing: [], found: [],
      thumbnailsRendered: [], interrupted: [], purged: 0, sourcesRemoved: 0,
    };
  }
  const interrupted = db.generations.listPending()
    .filter((g) => db.generations.markFailed(g.id, INTERRUPTED_JOB_MESSAGE, 'interrupted'))
    .map((g) => g.id);
  const purged = await gallery.purgeAllDeleted();
  // rows first: a crash before the files are gone leaves only files in sources/, which nothing reads
  const unusedSources = db.sources.deleteUnused(Date.now() - UNUSED_SOURCE_GRACE_MS);
  await Promise.all(unusedSources.map((path) => rm(path, { force: true })));
  await mkdir(outputDir, { recursive: true });
  return { ...(await reconcile(outputDir, db)), interrupted, purged, sourcesRemoved: unusedSources.length };
}
