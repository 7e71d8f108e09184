// Startup reconciliation of the output folder with the database (F-02). Run it before the job queue starts:
// it treats every temp file and every pending row as left over from a previous session.
//   stray temp files                       → deleted
//   pending rows                           → failed (their file, if one was renamed in place, has no
//                                            image row and is quarantined by the next rule)
//   image files without an image row       → moved to quarantine/ (never deleted)
//   thumbnails without an image row        → deleted (derived data)
//   image rows whose file is gone/resized  → flagged missing (status unchanged); flag cleared when it returns
//                                            (size is compared, not the hash: hashing 10 000 files at every start is too slow)
//   image rows whose thumbnail is gone     → thumbnail rendered again from the PNG
import { readdir, rename, rm, stat, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { GenerationsRepo } from '../db/generations-repo';
import type { ImagesRepo } from '../db/images-repo';
import { TEMP_FILE_PATTERN, writeFileAtomic } from '../common/atomic-file';
import {
  DAY_DIR_PATTERN, IMAGE_NAME_PATTERN, QUARANTINE_DIR, THUMBNAILS_DIR, THUMBNAIL_NAME_PATTERN, thumbnailPathFor,
} from './library-layout';
import { renderThumbnailFromFile } from './thumbnails';

export interface ReconcileRepos {
  generations: GenerationsRepo;
  images: ImagesRepo;
}

export interface ReconcileReport {
  tempFilesRemoved: string[];
  pendingMarkedFailed: number[];
  quarantined: { from: string; to: string }[];
  thumbnailsRemoved: string[];
  missing: { generationId: number; path: string }[];
  /** Image rows whose missing flag was cleared because the file is back. */
  found: number[];
  thumbnailsRendered: number[];
}

export const INTERRUPTED_SAVE_MESSAGE = 'DaTo Studio closed before this image was saved.';

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
}

async function quarantine(outputDir: string, path: string): Promise<string> {
  const dir = join(outputDir, QUARANTINE_DIR);
  await mkdir(dir, { recursive: true });
  const ext = extname(path);
  const stem = basename(path, ext);
  const taken = new Set(await listDir(dir));
  let name = `${stem}${ext}`;
  for (let i = 1; taken.has(name); i++) name = `${stem}-${i}${ext}`;
  const to = join(dir, name);
  await rename(path, to);
  return to;
}

export async function reconcile(outputDir: string, repos: ReconcileRepos): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    tempFilesRemoved: [], pendingMarkedFailed: [], quarantined: [], thumbnailsRemoved: [], missing: [], found: [], thumbnailsRendered: [],
  };

  for (const pending of repos.generations.listPending()) {
    if (repos.generations.markFailed(pending.id, INTERRUPTED_SAVE_MESSAGE)) report.pendingMarkedFailed.push(pending.id);
  }

  const rows = repos.images.listAll();
  const knownImages = new Set(rows.map((r) => r.path));
  const knownThumbnails = new Set(rows.flatMap((r) => (r.thumbPath === null ? [] : [r.thumbPath])));

  const dayDirs = (await listDir(outputDir)).filter((name) => DAY_DIR_PATTERN.test(name)).map((name) => join(outputDir, name));
  for (const dir of dayDirs) {
    for (const name of await listDir(dir)) {
      const path = join(dir, name);
      if (TEMP_FILE_PATTERN.test(name)) {
        await rm(path, { force: true });
        report.tempFilesRemoved.push(path);
      } else if (IMAGE_NAME_PATTERN.test(name) && !knownImages.has(path)) {
        report.quarantined.push({ from: path, to: await quarantine(outputDir, path) });
      }
    }
  }
  const thumbDir = join(outputDir, THUMBNAILS_DIR);
  for (const name of await listDir(thumbDir)) {
    const path = join(thumbDir, name);
    if (TEMP_FILE_PATTERN.test(name)) {
      await rm(path, { force: true });
      report.tempFilesRemoved.push(path);
    } else if (THUMBNAIL_NAME_PATTERN.test(name) && !knownThumbnails.has(path)) {
      await rm(path, { force: true });
      report.thumbnailsRemoved.push(path);
    }
  }

  for (const row of rows) {
    const size = await fileSize(row.path);
    const intact = size === row.bytes;
    if (!intact) {
      repos.images.setMissing(row.id, true);
      report.missing.push({ generationId: row.generationId, path: row.path });
      continue;
    }
    if (row.missing && repos.images.setMissing(row.id, false)) report.found.push(row.generationId);
    if (row.thumbPath === null || (await fileSize(row.thumbPath)) === null) {
      const thumbPath = row.thumbPath ?? thumbnailPathFor(outputDir, row.path);
      let thumbnail: Buffer;
      try {
        thumbnail = await renderThumbnailFromFile(row.path);
      } catch {
        // Right size but not decodable: the file was damaged or replaced; flag it like a missing one.
        repos.images.setMissing(row.id, true);
        report.missing.push({ generationId: row.generationId, path: row.path });
        continue;
      }
      await mkdir(dirname(thumbPath), { recursive: true });
      await writeFileAtomic(thumbPath, thumbnail);
      repos.images.setThumbPath(row.id, thumbPath);
      report.thumbnailsRendered.push(row.generationId);
    }
  }
  return report;
}
