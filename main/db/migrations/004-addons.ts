// Migration 4 (issue 11): LoRAs, textual-inversion embeddings and standalone VAEs in the library (`addons`),
// and what each generation applied of them (`generations.addons`: LoRAs with weights and hashes, the
// embeddings used, the VAE, clip skip). Adding a nullable column needs no table rebuild.
import type { Migration } from '../migrate';

const sql = `
CREATE TABLE addons (
  id          INTEGER PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('lora', 'embedding', 'vae')),
  name        TEXT    NOT NULL,
  path        TEXT    NOT NULL UNIQUE,
  -- what the bounded checker read from the header (AddonInfoDto)
  info        TEXT    NOT NULL CHECK (json_valid(info)),
  -- A1111's short hash: LoRA addnet (12 hex), embedding SHA-256 (12), VAE SHA-256 (10)
  hash        TEXT    NOT NULL,
  -- NAME.preview.png next to the file, as a small data URL
  preview     TEXT,
  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
  file_mtime  INTEGER NOT NULL,
  added_at    INTEGER NOT NULL
);
CREATE INDEX addons_kind ON addons (kind, name);
CREATE INDEX addons_hash ON addons (hash);

ALTER TABLE generations ADD COLUMN addons TEXT CHECK (addons IS NULL OR json_valid(addons));
`;

export const migration004: Migration = { version: 4, name: 'addons', sql };
