// `dato-studio restore-backup`: when the library database is damaged, put the newest backup that passes
// its integrity check in its place (the damaged file is kept beside it). Run it with the app closed.
import { join, resolve } from 'node:path';
import { DatabaseError } from '../db/errors';
import { DATABASE_FILE_NAME } from '../db/index';
import { backupsDir, listBackups, restoreLastGoodBackup } from '../db/library-backups';
import { defaultDataDir } from '../services/studio-paths';
import { parseFlags } from './args';

export const RESTORE_BACKUP_USAGE = `usage: dato-studio restore-backup [options]   (run it with the app closed)
  --data-dir DIR          the library folder (default: $DATO_STUDIO_HOME or the platform's config folder)
  --list                  list the backups, newest first, and change nothing
  --backup FILE           restore this backup instead of the newest good one`;

export async function runRestoreBackup(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { 'data-dir': 'string', backup: 'string', list: 'boolean' });
  const dataDir = resolve(typeof f['data-dir'] === 'string' ? f['data-dir'] : defaultDataDir());
  const backups = listBackups(dataDir);
  if (f.list === true) {
    if (backups.length === 0) console.log(`No backups in ${backupsDir(dataDir)}.`);
    for (const b of backups) console.log(`${new Date(b.takenAt).toISOString()}  ${(b.bytes / 2 ** 20).toFixed(1)} MiB  ${b.file}`);
    return 0;
  }
  try {
    const report = await restoreLastGoodBackup(dataDir, join(dataDir, DATABASE_FILE_NAME), typeof f.backup === 'string' ? resolve(f.backup) : undefined);
    console.log(`Restored the library from the backup of ${new Date(report.restored.takenAt).toISOString()} (${report.restored.file}).`);
    if (report.damagedKeptAs) console.log(`The damaged library was kept as ${report.damagedKeptAs}.`);
    return 0;
  } catch (err) {
    if (err instanceof DatabaseError) { console.error(`dato-studio: ${err.message}`); return 1; }
    throw err;
  }
}
