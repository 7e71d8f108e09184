// Internal app state that is not a user setting: window bounds, measured baseline speeds, the last seed, the
// last provider detection. Stored in the settings table under a reserved "state:" prefix, so it needs no
// migration and SettingsRepo (which reads only its own keys) never sees it. Values are JSON; readers
// validate what they get back (a hand-edited value must not crash the app).
import type Database from 'better-sqlite3';
import { fromJsonColumn, toJsonColumn } from './json-column';

const PREFIX = 'state:';

export class AppStateRepo {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  /** The stored value if `accept` recognises it, else undefined. */
  get<T>(key: string, accept: (value: unknown) => value is T): T | undefined {
    const row = this.getStmt.get(PREFIX + key);
    if (!row) return undefined;
    const value = fromJsonColumn<unknown>(row.value, undefined);
    return accept(value) ? value : undefined;
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(PREFIX + key, toJsonColumn(value));
  }

  delete(key: string): void {
    this.deleteStmt.run(PREFIX + key);
  }
}
