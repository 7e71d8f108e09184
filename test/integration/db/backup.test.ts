// T-16 (backup half): an online backup taken while the app keeps writing is complete, passes
// integrity_check, is a single self-contained file, and appears under its final name only when finished.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase } from '../../../main/db/backup';
import { closeDatabase, openDatabase } from '../../../main/db/database';
import { TEMP_FILE_PATTERN } from '../../../main/images/atomic-write';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'dato-backup-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('backupDatabase', () => {
  it('copies a library that is being written to, via a temp file, and the copy passes integrity_check', async () => {
    const db = openDatabase(join(dir, 'library.sqlite3'));
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    const filler = JSON.stringify('x'.repeat(1000));
    db.transaction(() => { for (let i = 0; i < 5000; i++) insert.run(`before-${i}`, filler); })();

    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        insert.run(`during-${written++}`, filler);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const dest = join(dir, 'backup.sqlite3');
    await backupDatabase(db, dest);
    writing = false;
    await writer;
    console.log(`rows written while the backup ran: ${written}`);
    expect(written).toBeGreaterThan(0);

    expect(readdirSync(dir).filter((n) => TEMP_FILE_PATTERN.test(n) || n.includes('.part'))).toEqual([]);
    expect(existsSync(`${dest}-wal`)).toBe(false);
    const copy = new Database(dest, { readonly: true });
    expect(copy.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const copied = copy.prepare("SELECT count(*) FROM settings WHERE key LIKE 'before-%'").pluck().get();
    expect(copied).toBe(5000);
    copy.close();
    closeDatabase(db);

    const reopened = openDatabase(dest);
    expect(reopened.prepare('SELECT count(*) FROM presets').pluck().get()).toBe(6);
    closeDatabase(reopened);
  });

  it('leaves nothing behind when the destination cannot be written', async () => {
    const db = openDatabase(join(dir, 'library.sqlite3'));
    await expect(backupDatabase(db, join(dir, 'missing-folder', 'backup.sqlite3'))).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['library.sqlite3', 'library.sqlite3-shm', 'library.sqlite3-wal']);
    closeDatabase(db);
  });
});
