// Schema migrations keyed on PRAGMA user_version (D-04): each migration runs in one transaction together
// with its version bump, so a failure leaves data and version exactly as they were; a database written by
// a newer app is never migrated down.
// Ref: https://www.sqlite.org/pragma.html#pragma_user_version and
//      https://www.sqlite.org/lang_altertable.html#otheralter (foreign keys off around table rebuilds).
import type Database from 'better-sqlite3';
import { DatabaseError } from './errors';

export interface Migration {
  /** 1, 2, 3, ... without gaps; the database's user_version after this migration. */
  version: number;
  name: string;
  /** One or more statements; runs inside the migration's transaction. */
  sql: string;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Throws on a malformed list (programming error): versions must be 1..n in order. */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list: expected version ${i + 1}, found ${m.version} (${m.name})`);
  });
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations[migrations.length - 1]?.version ?? 0;
}

/** Refuse to write to a database whose schema is newer than this build knows. */
export function assertNotNewer(db: Database.Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new DatabaseError('database-too-new',
      'This library was created by a newer version of DaTo Studio. Update the app to use it; until then it can only be opened read-only.',
      `user_version ${current} > supported ${latest}`);
  }
}

export function applyMigrations(db: Database.Database, migrations: readonly Migration[]): MigrationResult {
  assertMigrationList(migrations);
  assertNotNewer(db, migrations);
  const from = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from, applied: [] };

  // Table rebuilds in later migrations need foreign keys off; the pragma is a no-op inside a transaction,
  // so it is switched here and the constraints are re-checked before each commit instead.
  db.pragma('foreign_keys = OFF');
  const applied: string[] = [];
  try {
    for (const m of pending) {
      const run = db.transaction(() => {
        db.exec(m.sql);
        const violations = db.pragma('foreign_key_check') as unknown[];
        if (violations.length > 0) {
          throw new Error(`foreign key violations after migration: ${JSON.stringify(violations.slice(0, 5))}`);
        }
        db.pragma(`user_version = ${m.version}`);
      });
      try {
        run.immediate();
      } catch (err) {
        throw new DatabaseError('database-migration-failed',
          `Updating the library to the format of this version failed (step ${m.version}, ${m.name}); nothing was changed. ` +
          'Please report this, and keep using the previous app version until it is fixed.',
          err instanceof Error ? err.message : String(err));
      }
      applied.push(`${String(m.version).padStart(3, '0')}-${m.name}`);
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
  if (Number(db.pragma('foreign_keys', { simple: true })) !== 1) {
    throw new DatabaseError('database-misconfigured', 'The library database could not re-enable its consistency checks.',
      'foreign_keys did not read back as ON after migrating');
  }
  return { from, to: schemaVersion(db), applied };
}
