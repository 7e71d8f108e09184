// User settings as typed key/value pairs. Only changed values are stored; everything else reads as its
// default, so adding a setting needs no migration. Values are validated on write and again on read
// (a hand-edited or older value that no longer fits falls back to the default).
import type Database from 'better-sqlite3';
import { isAbsolute } from 'node:path';
import { AppError } from '../common/app-error';
import { LIMITS, PROVIDER_CHOICES, type ProviderChoice } from '../../preload/contract/vocabulary';
import { fromJsonColumn, toJsonColumn } from './json-column';

export type ThemeSetting = 'system' | 'light' | 'dark';

export interface Settings {
  /** 'auto' tries CUDA → DirectML → WebGPU → CPU; anything else forces that provider. */
  executionProvider: ProviderChoice;
  /** Intra-op threads for the CPU provider; null = all cores. */
  cpuThreads: number | null;
  /** Absolute folder for generated images; null = the default under the app's data folder. */
  outputDir: string | null;
  theme: ThemeSetting;
  /** The clip skip Generate starts at (issue 11; A1111's setting). */
  clipSkip: number;
  /** The library VAE Generate starts with (issue 11); null = the model's own. */
  vaeId: number | null;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  executionProvider: 'auto',
  cpuThreads: null,
  outputDir: null,
  theme: 'system',
  clipSkip: 1,
  vaeId: null,
});

/** Every engine provider choice (a Record, so adding one to the engine fails to compile here). */
const THEMES: readonly string[] = ['system', 'light', 'dark'];

const VALIDATORS: { [K in keyof Settings]: (value: unknown) => value is Settings[K] } = {
  executionProvider: (v): v is ProviderChoice => typeof v === 'string' && (PROVIDER_CHOICES as readonly string[]).includes(v),
  cpuThreads: (v): v is number | null => v === null || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1024),
  outputDir: (v): v is string | null =>
    v === null || (typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0') && isAbsolute(v)),
  theme: (v): v is ThemeSetting => typeof v === 'string' && THEMES.includes(v),
  clipSkip: (v): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= LIMITS.maxClipSkip,
  vaeId: (v): v is number | null => v === null || (Number.isSafeInteger(v) && (v as number) >= 1),
};

export function isSettingKey(key: string): key is keyof Settings {
  return Object.hasOwn(VALIDATORS, key);
}

export class SettingsRepo {
  private readonly getStmt;
  private readonly setStmt;
  private readonly resetStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    this.resetStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  get<K extends keyof Settings>(key: K): Settings[K] {
    const row = this.getStmt.get(key);
    if (!row) return DEFAULT_SETTINGS[key];
    const value = fromJsonColumn<unknown>(row.value, undefined);
    return VALIDATORS[key](value) ? value : DEFAULT_SETTINGS[key];
  }

  getAll(): Settings {
    return {
      executionProvider: this.get('executionProvider'),
      cpuThreads: this.get('cpuThreads'),
      outputDir: this.get('outputDir'),
      theme: this.get('theme'),
      clipSkip: this.get('clipSkip'),
      vaeId: this.get('vaeId'),
    };
  }

  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    if (!VALIDATORS[key](value)) {
      throw new AppError('invalid-parameters', `The value for setting "${key}" is not valid.`, JSON.stringify(value));
    }
    this.setStmt.run(key, toJsonColumn(value));
  }

  /** Back to the default value. */
  reset(key: keyof Settings): void {
    this.resetStmt.run(key);
  }
}
