// D-05: the library backs itself up once a day (online backup, newest BACKUPS_KEPT kept), and a damaged
// library comes back from the newest good backup (CLI `dato-studio restore-backup`), the damaged file kept.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../main/cli/index';
import { DATABASE_FILE_NAME, openStudioDb } from '../../../main/db/index';
import { BACKUP_INTERVAL_MS, BACKUPS_KEPT, backUpIfDue, listBackups, restoreLastGoodBackup } from '../../../main/db/library-backups';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-library-backups-')); });
afterEach(() => { vi.restoreAllMocks(); rmSync(dir, { recursive: true, force: true }); });

const library = (): string => join(dir, DATABASE_FILE_NAME);

/** Keep the header, overwrite table pages with garbage: quick_check fails (as in database.test.ts). */
function damage(file: string): void {
  const bytes = readFileSync(file);
  bytes.fill(0xa5, 4096 * 2, Math.min(bytes.length, 4096 * 6));
  writeFileSync(file, bytes);
}

function libraryWithSettings(n: number): void {
  const db = openStudioDb(dir);
  for (let i = 0; i < n; i++) db.settings.set('theme', i % 2 ? 'dark' : 'light');
  const insert = db.db.prepare("INSERT INTO settings (key, value) VALUES (?, '\"x\"')");
  db.db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run(`filler-${i}`); })();
  db.close();
}

describe('daily backups', () => {
  it('backs up when none is recent, skips within the day, and keeps the newest BACKUPS_KEPT', async () => {
    libraryWithSettings(1);
    const db = openStudioDb(dir);
    const day0 = Date.UTC(2026, 0, 1, 12);
    expect(await backUpIfDue(db.db, dir, day0)).not.toBeNull();
    expect(await backUpIfDue(db.db, dir, day0 + BACKUP_INTERVAL_MS - 1)).toBeNull();
    for (let day = 1; day <= BACKUPS_KEPT + 2; day++) await backUpIfDue(db.db, dir, day0 + day * BACKUP_INTERVAL_MS);
    db.close();
    const kept = listBackups(dir);
    expect(kept).toHaveLength(BACKUPS_KEPT);
    expect(kept[0]!.takenAt).toBe(day0 + (BACKUPS_KEPT + 2) * BACKUP_INTERVAL_MS);
    expect(kept.at(-1)!.takenAt).toBe(day0 + 3 * BACKUP_INTERVAL_MS);
    expect(readdirSync(join(dir, 'backups')).filter((f) => !f.startsWith('library-'))).toEqual([]); // no temp files left
  });
});

describe('restoring the last good backup', () => {
  it('a damaged library is refused on open; restore-backup brings back the newest good backup and keeps the damaged file', async () => {
    libraryWithSettings(1);
    const db = openStudioDb(dir);
    db.settings.set('theme', 'dark');
    await backUpIfDue(db.db, dir, Date.UTC(2026, 0, 1));
    db.settings.set('theme', 'light');
    await backUpIfDue(db.db, dir, Date.UTC(2026, 0, 3));
    db.close();
    damage(listBackups(dir)[0]!.file); // the newest backup is damaged too: the older one must be used
    damage(library());
    const damagedBytes = readFileSync(library());
    expect(() => openStudioDb(dir)).toThrowError(expect.objectContaining({ code: 'database-corrupt' }));

    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['restore-backup', '--data-dir', dir])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/Restored the library from the backup of 2026-01-01T00:00:00\.000Z/);
    const restored = openStudioDb(dir);
    expect(restored.settings.get('theme')).toBe('dark');
    restored.close();
    const kept = readdirSync(dir).filter((f) => /^library\.sqlite3\.damaged-[\d-]+$/.test(f));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!)).equals(damagedBytes)).toBe(true);
  });

  it('with no usable backup nothing is changed and the message says so', async () => {
    libraryWithSettings(1);
    damage(library());
    const before = readFileSync(library());
    await expect(restoreLastGoodBackup(dir, library())).rejects.toThrow(/There is no backup of the library/);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['restore-backup', '--data-dir', dir])).toBe(1);
    expect(error.mock.calls.flat().join('\n')).toMatch(/no backup/);
    expect(readFileSync(library()).equals(before)).toBe(true);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('--list shows the backups, newest first', async () => {
    libraryWithSettings(1);
    const db = openStudioDb(dir);
    await backUpIfDue(db.db, dir, Date.UTC(2026, 0, 1));
    await backUpIfDue(db.db, dir, Date.UTC(2026, 0, 5));
    db.close();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['restore-backup', '--data-dir', dir, '--list'])).toBe(0);
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines[0]).toMatch(/^2026-01-05T00:00:00\.000Z /);
    expect(lines[1]).toMatch(/^2026-01-01T00:00:00\.000Z /);
  });
});
