// Backups of the live library (D-05): never a file copy of a database in use (the -wal holds committed
// pages). A backup is written under a temp name, integrity-checked, switched to a self-contained rollback
// journal file, fsynced, and only then renamed to its final name.
// Ref: better-sqlite3 docs/api.md (.backup), https://www.sqlite.org/lang_vacuum.html#vacuuminto
import Database from 'better-sqlite3';
import { rename, rm } from 'node:fs/promises';
import { openSync, fsyncSync, closeSync, rmSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, uniqueTempPath } from '../common/atomic-file';
import { DatabaseError } from './errors';

/** Open a finished copy, require integrity_check = ok, and make it a single file with no -wal. */
function verifyAndSeal(copyPath: string): void {
  const copy = new Database(copyPath, { fileMustExist: true });
  try {
    const result = copy.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (result.length !== 1 || result[0] !== 'ok') {
      throw new DatabaseError('database-corrupt', 'The backup copy of the library failed its integrity check; the previous backup was kept.',
        result.slice(0, 10).join('; '));
    }
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const fd = openSync(copyPath, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Online backup with SQLite's backup API; the app keeps reading and writing meanwhile. */
export async function backupDatabase(db: Database.Database, dest: string): Promise<void> {
  const temp = uniqueTempPath(dirname(dest));
  try {
    await db.backup(temp);
    verifyAndSeal(temp);
    await rename(temp, dest);
  } catch (err) {
    await rm(temp, { force: true });
    await rm(`${temp}-journal`, { force: true });
    throw err;
  }
  await fsyncDirectory(dirname(dest));
}

/**
 * Synchronous snapshot with VACUUM INTO, for the pre-migration backup inside the (synchronous) open path.
 * Must not run inside a transaction.
 */
export function snapshotDatabaseSync(db: Database.Database, dest: string): void {
  const temp = uniqueTempPath(dirname(dest));
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    verifyAndSeal(temp);
    renameSync(temp, dest);
  } catch (err) {
    rmSync(temp, { force: true });
    rmSync(`${temp}-journal`, { force: true });
    throw err;
  }
  if (process.platform !== 'win32') {
    const fd = openSync(dirname(dest), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
