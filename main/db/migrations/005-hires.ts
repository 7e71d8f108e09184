// Migration 5 (issue 9): hires fix in the app. `generations.hires` holds the second pass's settings as asked
// (HiresParamsDto: scale, steps, strength, upscaler); the row's width × height stay the first pass's size (what
// A1111's `Size` names), the image row has the target size. Adding a nullable column needs no table rebuild.
import type { Migration } from '../migrate';

const sql = `
ALTER TABLE generations ADD COLUMN hires TEXT CHECK (hires IS NULL OR (json_valid(hires)
  AND json_extract(hires, '$.upscaler') IN ('latent', 'latent-nearest', 'lanczos')));
`;

export const migration005: Migration = { version: 5, name: 'hires', sql };
