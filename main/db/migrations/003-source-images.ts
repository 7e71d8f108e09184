// Migration 3: image-to-image sources (issue 9). The pictures and masks a generation started from are kept
// in the library (`source_images`, one row per distinct file, found again by its SHA-256), and each
// image-to-image generation names them with its settings (`generation_sources`, one row per generation).
// A separate table, not new columns on `generations`: nothing about text-to-image rows changes, and a
// purged generation takes its row with it (ON DELETE CASCADE) while the shared source file stays.
import type { Migration } from '../migrate';

const sql = `
CREATE TABLE source_images (
  id          INTEGER PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('image', 'mask')),
  path        TEXT    NOT NULL,
  width       INTEGER NOT NULL CHECK (width > 0),
  height      INTEGER NOT NULL CHECK (height > 0),
  bytes       INTEGER NOT NULL CHECK (bytes >= 0),
  sha256      TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (kind, sha256)
);

CREATE TABLE generation_sources (
  generation_id INTEGER PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
  image_id      INTEGER NOT NULL REFERENCES source_images (id),
  mask_id       INTEGER REFERENCES source_images (id),
  -- SourceParamsDto without the ids: strength, resize mode, mask blur, masked content, inpaint area, padding, outpaint
  settings      TEXT    NOT NULL CHECK (json_valid(settings))
);
CREATE INDEX generation_sources_image ON generation_sources (image_id);
`;

export const migration003: Migration = { version: 3, name: 'source-images', sql };
