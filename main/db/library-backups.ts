// The library's own backups (D-05): an online backup (backup.ts) into <data dir>/backups/ at most once a
// day, on start, keeping the newest BACKUPS_KEPT; and the way back when the library is damaged: the newest
// backup that passes integrity_check replaces it, and the damaged file (with its -wal/-shm) is kept beside
// it under a ".damaged-<time>" name, never deleted. Restore must run while no app has the library open (the
// desktop app and web mode offer it from their recovery screen before opening it; the CLI says so).
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, uniqueTempPath } from '../common/atomic-file';
import { backupDatabase } from './backup';
import { DatabaseError } from './errors';

export const BACKUPS_KEPT = 7;
/** A backup is due when the newest is older than this. */
export const BACKUP_INTERVAL_MS = 24 * 60 * 60 * 1000;
const BACKUP_NAME = /^library-(\d{8}-\d{6}-\d{3})\.sqlite3$/;

export interface LibraryBackup {
  readonly file: string;
  /** When it was taken (Unix milliseconds, from its name). */
  readonly takenAt: number;
  readonly bytes: number;
}

export const backupsDir = (dataDir: string): string => join(dataDir, 'backups');

function stamp(time: number): string {
  const iso = new Date(time).toISOString(); // 2026-12-01T15:34:35.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`;
}

function parseStamp(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15), +s.slice(16, 19));
}

/** The library's backups, newest first. */
export function listBackups(dataDir: string): LibraryBackup[] {
  const dir = backupsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const m = BACKUP_NAME.exec(name);
    return m ? [{ file: join(dir, name), takenAt: parseStamp(m[1]!), bytes: statSync(join(dir, name)).size }] : [];
  }).sort((a, b) => b.takenAt - a.takenAt);
}

/** Back the open library up if the newest backup is older than BACKUP_INTERVAL_MS; keep the newest `keep`. */
export async function backUpIfDue(db: Database.Database, dataDir: string, now = Date.now(), keep = BACKUPS_KEPT): Promise<LibraryBackup | null> {
  const newest = listBackups(dataDir)[0];
  if (newest && now - newest.takenAt < BACKUP_INTERVAL_MS) return null;
  mkdirSync(backupsDir(dataDir), { recursive: true });
  const file = join(backupsDir(dataDir), `library-${stamp(now)}.sqlite3`);
  await backupDatabase(db, file);
  for (const old of listBackups(dataDir).slice(keep)) rmSync(old.file, { force: true });
  return { file, takenAt: now, bytes: statSync(file).size };
}

function passesIntegrityCheck(file: string): boolean {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const result = db.prepare('PRAGMA integrity_check(1)').pluck().all() as string[];
      return result.length === 1 && result[0] === 'ok';
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

export interface RestoreReport {
  readonly restored: LibraryBackup;
  /** Where the damaged library was moved (null when there was none). */
  readonly damagedKeptAs: string | null;
}

/**
 * Replace the library file `libraryFile` with the newest backup that passes integrity_check (or `choice`).
 * Throws DatabaseError('database-corrupt') when no backup is usable.
 */
export async function restoreLastGoodBackup(dataDir: string, libraryFile: string, choice?: string, now = Date.now()): Promise<RestoreReport> {
  const candidates = listBackups(dataDir).filter((b) => choice === undefined || b.file === choice);
  const good = candidates.find((b) => passesIntegrityCheck(b.file));
  if (!good) {
    throw new DatabaseError('database-corrupt', candidates.length === 0
      ? `There is no backup of the library in ${backupsDir(dataDir)} to restore.`
      : 'None of the library backups passed its integrity check; nothing was changed.');
  }
  // The backup goes in under a temp name first, so the library file is always either the old or the new one.
  const temp = uniqueTempPath(dataDir);
  copyFileSync(good.file, temp);
  let damagedKeptAs: string | null = null;
  if (existsSync(libraryFile)) {
    damagedKeptAs = `${libraryFile}.damaged-${stamp(now)}`;
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(libraryFile + suffix)) renameSync(libraryFile + suffix, damagedKeptAs + suffix);
    }
    renameSync(libraryFile, damagedKeptAs);
  }
  renameSync(temp, libraryFile);
  await fsyncDirectory(dataDir);
  return { restored: good, damagedKeptAs };
}
