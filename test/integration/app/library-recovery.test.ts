// The desktop app's damaged-library dialog, against a stand-in for Electron's dialog.showMessageBox: the
// offer names the newest backup, "Restore" really restores (damaged file kept), "Quit" changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageBoxOptions } from 'electron';
import { RESTORE_BUTTON, offerLibraryRestore } from '../../../main/app/library-recovery';
import { DATABASE_FILE_NAME, openStudioDb } from '../../../main/db/index';
import { backUpIfDue } from '../../../main/db/library-backups';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-recovery-dialog-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function dialog(choose: (o: MessageBoxOptions) => number, seen: MessageBoxOptions[]) {
  return { showMessageBox: async (o: MessageBoxOptions) => { seen.push(o); return { response: choose(o), checkboxChecked: false }; } };
}

async function libraryWithBackup(): Promise<void> {
  const db = openStudioDb(dir);
  db.settings.set('theme', 'light');
  await backUpIfDue(db.db, dir);
  db.close();
  writeFileSync(join(dir, DATABASE_FILE_NAME), 'damaged');
}

describe('offerLibraryRestore', () => {
  it('restores the last good backup when chosen, keeping the damaged file', async () => {
    await libraryWithBackup();
    const seen: MessageBoxOptions[] = [];
    expect(await offerLibraryRestore(dialog((o) => o.buttons!.indexOf(RESTORE_BUTTON), seen) as never, dir, 'The library database is damaged.')).toBe(true);
    expect(seen[0]).toMatchObject({ message: 'The library is damaged', buttons: [RESTORE_BUTTON, 'Quit'] });
    expect(seen[0]!.detail).toMatch(/The newest backup was taken on/);
    const db = openStudioDb(dir);
    expect(db.settings.get('theme')).toBe('light');
    db.close();
    const kept = readdirSync(dir).find((f) => /^library\.sqlite3\.damaged-[\d-]+$/.test(f));
    expect(readFileSync(join(dir, kept!), 'utf8')).toBe('damaged');
  });

  it('quitting changes nothing; without a backup only Quit is offered', async () => {
    await libraryWithBackup();
    expect(await offerLibraryRestore(dialog((o) => o.buttons!.indexOf('Quit'), []) as never, dir, 'x')).toBe(false);
    expect(readFileSync(join(dir, DATABASE_FILE_NAME), 'utf8')).toBe('damaged');
    rmSync(join(dir, 'backups'), { recursive: true });
    const seen: MessageBoxOptions[] = [];
    expect(await offerLibraryRestore(dialog(() => 0, seen) as never, dir, 'x')).toBe(false);
    expect(seen[0]!.buttons).toEqual(['Quit']);
    expect(seen[0]!.detail).toMatch(/There is no backup/);
  });
});
