// The library database as the rest of the main process sees it: one writable connection (D-02) and one
// repository per table. A library written by a newer app version is opened read-only instead of refused,
// so the gallery still works; writes then fail with SQLITE_READONLY.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from './database';
import { DatabaseError } from './errors';
import { ModelsRepo } from './models-repo';
import { ImagesRepo } from './images-repo';
import { GenerationsRepo } from './generations-repo';
import { PresetsRepo } from './presets-repo';
import { SettingsRepo } from './settings-repo';
import { ComparisonsRepo } from './comparisons-repo';
import { CalibrationsRepo } from './calibrations-repo';
import { AddonsRepo } from './addons-repo';
import { SourceImagesRepo } from './source-images-repo';

export const DATABASE_FILE_NAME = 'library.sqlite3';

export interface StudioDb {
  db: Database.Database;
  /** True when the library was written by a newer app version (read-only until the app is updated). */
  readonly: boolean;
  models: ModelsRepo;
  images: ImagesRepo;
  generations: GenerationsRepo;
  presets: PresetsRepo;
  settings: SettingsRepo;
  comparisons: ComparisonsRepo;
  calibrations: CalibrationsRepo;
  /** LoRAs, embeddings, VAEs (issue 11). */
  addons: AddonsRepo;
  /** Image-to-image sources (issue 9). */
  sources: SourceImagesRepo;
  close(): void;
}

function openWritableOrReadonly(file: string): { db: Database.Database; readonly: boolean } {
  try {
    return { db: openDatabase(file), readonly: false };
  } catch (err) {
    if (!(err instanceof DatabaseError) || err.code !== 'database-too-new') throw err;
    return { db: openDatabase(file, { readonly: true }), readonly: true };
  }
}

/** Open (creating if needed) the library in `dir`. Throws DatabaseError (see openDatabase). */
export function openStudioDb(dir: string): StudioDb {
  mkdirSync(dir, { recursive: true });
  const { db, readonly } = openWritableOrReadonly(join(dir, DATABASE_FILE_NAME));
  const images = new ImagesRepo(db);
  return {
    db,
    readonly,
    models: new ModelsRepo(db),
    images,
    generations: new GenerationsRepo(db, images),
    presets: new PresetsRepo(db),
    settings: new SettingsRepo(db),
    comparisons: new ComparisonsRepo(db),
    calibrations: new CalibrationsRepo(db),
    addons: new AddonsRepo(db),
    sources: new SourceImagesRepo(db),
    close: () => closeDatabase(db),
  };
}
