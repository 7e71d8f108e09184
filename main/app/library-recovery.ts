// The desktop app's answer to a damaged library (D-05): before any window opens, a native dialog says so and
// offers the last good backup (library-backups.ts); the damaged file is kept. Web mode shows the same offer
// as a page (main/web/recovery-server.ts).
import type { Dialog } from 'electron';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../db/index';
import { listBackups, restoreLastGoodBackup } from '../db/library-backups';

export const RESTORE_BUTTON = 'Restore the last good backup';

/** True when a backup was restored (start again); false when the user quit or there is nothing to restore. */
export async function offerLibraryRestore(dialog: Pick<Dialog, 'showMessageBox'>, dataDir: string, problem: string): Promise<boolean> {
  const newest = listBackups(dataDir)[0];
  const detail = newest
    ? `${problem}\n\nThe newest backup was taken on ${new Date(newest.takenAt).toLocaleString()}. Restoring puts the newest backup that ` +
      'passes its integrity check in place of the damaged library; the damaged file is kept beside it, and image files are not touched.'
    : `${problem}\n\nThere is no backup of the library to restore (backups are made once a day when the app starts).`;
  const buttons = newest ? [RESTORE_BUTTON, 'Quit'] : ['Quit'];
  const { response } = await dialog.showMessageBox({
    type: 'error', title: 'DaTo Studio', message: 'The library is damaged', detail, buttons, defaultId: 0, cancelId: buttons.length - 1, noLink: true,
  });
  if (buttons[response] !== RESTORE_BUTTON) return false;
  await restoreLastGoodBackup(dataDir, join(dataDir, DATABASE_FILE_NAME));
  return true;
}
