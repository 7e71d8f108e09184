// Migration 2: calibrated schedules. A calibration's Pareto front is stored per model fingerprint + sampler
// + steps + guidance + size (`calibrations`, with the search state a cancelled run resumes from); the modes
// 'calibrated' and 'adaptive' join the mode lists (a CHECK constraint cannot be altered in SQLite, so
// generations and presets are rebuilt: https://www.sqlite.org/lang_altertable.html#otheralter, with
// foreign keys off around it as migrate.ts does); the built-in presets Calibrated and Adaptive are added.
// Schedules may now also hold M (medium).
import type { Migration } from '../migrate';

const sql = `
CREATE TABLE calibrations (
  id           INTEGER PRIMARY KEY,
  fingerprint  TEXT    NOT NULL,
  sampler      TEXT    NOT NULL,
  steps        INTEGER NOT NULL CHECK (steps > 0),
  cfg          REAL    NOT NULL,
  width        INTEGER NOT NULL CHECK (width > 0),
  height       INTEGER NOT NULL CHECK (height > 0),
  -- [{schedule, pruneRatio, macSpeedup, psnr}] cheapest first; empty until a run completes
  front        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(front)),
  -- the search state a cancelled or timed-out run continues from
  state        TEXT    CHECK (state IS NULL OR json_valid(state)),
  complete     INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  seconds      REAL    NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL,
  UNIQUE (fingerprint, sampler, steps, cfg, width, height)
);

CREATE TABLE generations_new (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id          TEXT    NOT NULL,
  batch_index     INTEGER NOT NULL DEFAULT 0 CHECK (batch_index >= 0),
  model_id        INTEGER REFERENCES models (id) ON DELETE SET NULL,
  prompt          TEXT    NOT NULL,
  negative_prompt TEXT    NOT NULL DEFAULT '',
  sampler         TEXT    NOT NULL,
  steps           INTEGER NOT NULL CHECK (steps > 0),
  cfg             REAL    NOT NULL,
  width           INTEGER NOT NULL CHECK (width > 0),
  height          INTEGER NOT NULL CHECK (height > 0),
  seed            INTEGER NOT NULL,
  mode            TEXT    NOT NULL CHECK (mode IN ('baseline', 'cached', 'dato', 'dato-fast', 'prune', 'custom', 'calibrated', 'adaptive')),
  schedule        TEXT,
  accel           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(accel)),
  provider        TEXT,
  timings         TEXT    CHECK (timings IS NULL OR json_valid(timings)),
  unet_seconds    REAL,
  speedup         REAL,
  psnr_vs_baseline REAL,
  status          TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'complete', 'failed', 'interrupted')),
  error           TEXT,
  favourite       INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
  comparison_group_id INTEGER REFERENCES comparison_groups (id) ON DELETE SET NULL,
  created_at      INTEGER NOT NULL,
  deleted_at      INTEGER,
  UNIQUE (job_id, batch_index)
);
-- AUTOINCREMENT's high-water mark survives the rebuild (ids are never handed out twice)
CREATE TABLE generations_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'generations';
INSERT INTO generations_new (id, job_id, batch_index, model_id, prompt, negative_prompt, sampler, steps, cfg, width, height, seed, mode, schedule, accel, provider, timings, unet_seconds, speedup, psnr_vs_baseline, status, error, favourite, comparison_group_id, created_at, deleted_at) SELECT id, job_id, batch_index, model_id, prompt, negative_prompt, sampler, steps, cfg, width, height, seed, mode, schedule, accel, provider, timings, unet_seconds, speedup, psnr_vs_baseline, status, error, favourite, comparison_group_id, created_at, deleted_at FROM generations;
DROP TABLE generations;
ALTER TABLE generations_new RENAME TO generations;
UPDATE sqlite_sequence SET seq = max(seq, COALESCE((SELECT seq FROM generations_seq), 0)) WHERE name = 'generations';
DROP TABLE generations_seq;
CREATE INDEX generations_gallery_created ON generations (created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_model ON generations (model_id, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_mode ON generations (mode, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_favourite ON generations (favourite, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_deleted ON generations (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX generations_pending ON generations (id) WHERE status = 'pending';
CREATE INDEX generations_comparison ON generations (comparison_group_id) WHERE comparison_group_id IS NOT NULL;
CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
  INSERT INTO generations_fts (rowid, prompt, negative_prompt) VALUES (new.id, new.prompt, new.negative_prompt);
END;
CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
  INSERT INTO generations_fts (generations_fts, rowid, prompt, negative_prompt)
    VALUES ('delete', old.id, old.prompt, old.negative_prompt);
END;
CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt, negative_prompt ON generations BEGIN
  INSERT INTO generations_fts (generations_fts, rowid, prompt, negative_prompt)
    VALUES ('delete', old.id, old.prompt, old.negative_prompt);
  INSERT INTO generations_fts (rowid, prompt, negative_prompt) VALUES (new.id, new.prompt, new.negative_prompt);
END;

CREATE TABLE presets_new (
  id       INTEGER PRIMARY KEY,
  name     TEXT    NOT NULL UNIQUE,
  mode     TEXT    NOT NULL CHECK (mode IN ('baseline', 'cached', 'dato', 'dato-fast', 'prune', 'custom', 'calibrated', 'adaptive')),
  schedule TEXT,
  accel    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(accel)),
  builtin  INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);
INSERT INTO presets_new (id, name, mode, schedule, accel, builtin) SELECT id, name, mode, schedule, accel, builtin FROM presets;
DROP TABLE presets;
ALTER TABLE presets_new RENAME TO presets;
INSERT OR IGNORE INTO presets (name, mode, schedule, accel, builtin) VALUES
  ('Calibrated', 'calibrated', NULL, '{}', 1),
  ('Adaptive',   'adaptive',   NULL, '{}', 1);
`;

export const migration002: Migration = { version: 2, name: 'calibrations', sql };
