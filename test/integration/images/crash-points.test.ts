// T-14: the save protocol killed (SIGKILL) after each of its steps, then startup reconciliation. Afterwards
// database and disk agree: no complete row without its decodable file, no file without a row outside
// quarantine/, no temp files, and no pending rows.
// The state "killed inside the atomic write, before the rename" (a temp file only) is built directly in
// reconcile.test.ts: the save steps are observed between awaits, not inside writeFileAtomic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb } from '../../../main/db';
import { reconcile, INTERRUPTED_SAVE_MESSAGE } from '../../../main/images/reconcile';
import type { SaveStep } from '../../../main/images/image-store';
import { DAY_DIR_PATTERN, QUARANTINE_DIR, THUMBNAILS_DIR } from '../../../main/images/library-layout';
import { bundleChild, spawnChild, waitForExit } from '../db/child-process';

let work: string;
let script: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dato-crash-'));
  script = await bundleChild(join(__dirname, 'save-crash.child.ts'), work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const expectations: Record<SaveStep, { status: 'failed' | 'complete'; quarantined: number; thumbnailsRemoved: number }> = {
  'pending-recorded': { status: 'failed', quarantined: 0, thumbnailsRemoved: 0 },
  encoded: { status: 'failed', quarantined: 0, thumbnailsRemoved: 0 },
  'image-written': { status: 'failed', quarantined: 1, thumbnailsRemoved: 0 },
  'thumbnail-written': { status: 'failed', quarantined: 1, thumbnailsRemoved: 1 },
  committed: { status: 'complete', quarantined: 0, thumbnailsRemoved: 0 },
};

describe('save protocol crash points (T-14)', () => {
  it.each(Object.keys(expectations) as SaveStep[])('killed after "%s", reconciliation restores agreement', async (step) => {
    const root = join(work, step);
    const dataDir = join(root, 'data');
    const outputDir = join(root, 'out');
    const child = spawnChild(script, [dataDir, outputDir, step]);
    const { signal, stderr } = await waitForExit(child);
    expect(signal, stderr).toBe('SIGKILL');

    const db = openStudioDb(dataDir);
    try {
      const report = await reconcile(outputDir, db);
      const expected = expectations[step];
      const [row] = db.db.prepare('SELECT id, status, error FROM generations').all() as { id: number; status: string; error: string | null }[];
      expect(row?.status).toBe(expected.status);
      if (expected.status === 'failed') expect(row?.error).toBe(INTERRUPTED_SAVE_MESSAGE);
      expect(report.quarantined).toHaveLength(expected.quarantined);
      expect(report.thumbnailsRemoved).toHaveLength(expected.thumbnailsRemoved);
      expect(report.missing).toEqual([]);

      // Invariants, whatever the step.
      expect(db.generations.countByStatus().pending).toBe(0);
      const images = db.images.listAll();
      for (const image of images) {
        expect(image.status).toBe('complete');
        const meta = await sharp(image.path, { failOn: 'warning' }).metadata();
        expect(meta).toMatchObject({ format: 'png', width: 64, height: 48 });
        expect(existsSync(image.thumbPath!)).toBe(true);
      }
      const known = new Set(images.flatMap((i) => [i.path, i.thumbPath!]));
      const outside = filesUnder(outputDir).filter((p) => !p.includes(`${QUARANTINE_DIR}`));
      expect(outside.filter((p) => !known.has(p))).toEqual([]);
      expect(outside.some((p) => p.includes('.dato-tmp-'))).toBe(false);
      for (const q of filesUnder(join(outputDir, QUARANTINE_DIR))) {
        await expect(sharp(q, { failOn: 'warning' }).metadata()).resolves.toMatchObject({ format: 'png' });
      }
      if (existsSync(outputDir)) {
        expect(readdirSync(outputDir).every((n) => DAY_DIR_PATTERN.test(n) || n === THUMBNAILS_DIR || n === QUARANTINE_DIR)).toBe(true);
      }
      // A second pass finds nothing left to do.
      const again = await reconcile(outputDir, db);
      expect(again).toEqual({ tempFilesRemoved: [], pendingMarkedFailed: [], quarantined: [], thumbnailsRemoved: [], missing: [], found: [], thumbnailsRendered: [] });
    } finally {
      db.close();
    }
  });
});
