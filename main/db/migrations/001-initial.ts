// Migration 1: the initial library schema. Never edit once shipped; add 002-... instead.
// SQL lives in a TS string (not a .sql file) so the esbuild-bundled main process carries it.
// Conventions: timestamps are INTEGER Unix milliseconds; JSON columns are TEXT checked by json_valid;
// string literals use single quotes (better-sqlite3 is built with SQLITE_DQS=0).
// Schedules are the engine's strings (main/engine/accel/schedule.ts): one letter per UNet evaluation,
// F = full, S = shallow, K = skip; NULL = the mode's own schedule. accel JSON = AccelSettings without mode
// and schedule (cacheInterval, pruneRatio, gamma, alpha, flip probability).
import type { Migration } from '../migrate';

const sql = `
CREATE TABLE models (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  path        TEXT    NOT NULL UNIQUE,
  kind        TEXT    NOT NULL CHECK (kind IN ('single-file', 'diffusers', 'embedded')),
  architecture TEXT   NOT NULL CHECK (json_valid(architecture)),
  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
  file_mtime  INTEGER NOT NULL,
  header_hash TEXT    NOT NULL,
  is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  added_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX models_single_default ON models (is_default) WHERE is_default = 1;

CREATE TABLE comparison_groups (
  id          INTEGER PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  prompt      TEXT    NOT NULL,
  seed        INTEGER NOT NULL,
  baseline_generation_id INTEGER REFERENCES generations (id) ON DELETE SET NULL
);

-- AUTOINCREMENT: an id is never handed out twice, even after the newest rows are purged, so ids that
-- appear in file names and in the UI's undo history stay unambiguous.
CREATE TABLE generations (
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
  mode            TEXT    NOT NULL CHECK (mode IN ('baseline', 'cached', 'dato', 'dato-fast', 'prune', 'custom')),
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

-- Gallery indexes: the gallery lists complete, not-deleted rows newest first, optionally filtered by one
-- of model / mode / favourite. Partial indexes keyed (filter, created_at) end with the rowid, so every
-- filtered page is an index range scan in (created_at, id) order with no sort step.
CREATE INDEX generations_gallery_created ON generations (created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_model ON generations (model_id, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_mode ON generations (mode, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_gallery_favourite ON generations (favourite, created_at)
  WHERE status = 'complete' AND deleted_at IS NULL;
CREATE INDEX generations_deleted ON generations (deleted_at) WHERE deleted_at IS NOT NULL;
-- Startup reconciliation looks for pending rows. Deliberately no plain index on status: the planner would
-- pick it for the gallery (status = 'complete' matches nearly every row) and sort instead of walking
-- generations_gallery_created in order.
CREATE INDEX generations_pending ON generations (id) WHERE status = 'pending';
CREATE INDEX generations_comparison ON generations (comparison_group_id) WHERE comparison_group_id IS NOT NULL;

CREATE TABLE images (
  id            INTEGER PRIMARY KEY,
  generation_id INTEGER NOT NULL UNIQUE REFERENCES generations (id) ON DELETE CASCADE,
  path          TEXT    NOT NULL UNIQUE,
  thumb_path    TEXT,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  sha256        TEXT    NOT NULL,
  missing       INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1))
);

CREATE TABLE presets (
  id       INTEGER PRIMARY KEY,
  name     TEXT    NOT NULL UNIQUE,
  mode     TEXT    NOT NULL CHECK (mode IN ('baseline', 'cached', 'dato', 'dato-fast', 'prune', 'custom')),
  schedule TEXT,
  accel    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(accel)),
  builtin  INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
);

-- Gallery search: an external-content FTS5 index over the prompts, kept in sync by triggers.
-- Ref: https://www.sqlite.org/fts5.html §4.4.3 (external content tables).
CREATE VIRTUAL TABLE generations_fts USING fts5 (
  prompt, negative_prompt,
  content = 'generations', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
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

-- Built-in presets use their mode's schedule (dato: the official searched 50-step schedule; dato-fast: the
-- released COCO-30k schedule) and the official DaTo parameters (ratio 0.4, gamma 0.1, alpha 0.1, sign flip 1/2).
INSERT INTO presets (name, mode, schedule, accel, builtin) VALUES
  ('Baseline',    'baseline',  NULL, '{}', 1),
  ('Cached-only', 'cached',    NULL, '{"cacheInterval":3}', 1),
  ('DaTo',        'dato',      NULL, '{"pruneRatio":0.4,"gamma":0.1,"alpha":0.1,"flip":0.5}', 1),
  ('DaTo fast',   'dato-fast', NULL, '{"pruneRatio":0.4,"gamma":0.1,"alpha":0.1,"flip":0.5}', 1);
`;

export const migration001: Migration = { version: 1, name: 'initial', sql };
