// Migration 6 (issue 12): a calibration also stores the plain sampler at fewer steps on its prompts and seeds
// (`plain`: [{steps, macSpeedup, psnr, fidelity}], most steps first), the line its front is judged against and
// the app draws beside it. Older calibrations get an empty line (adding a column needs no table rebuild).
import type { Migration } from '../migrate';

const sql = `
ALTER TABLE calibrations ADD COLUMN plain TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(plain));
`;

export const migration006: Migration = { version: 6, name: 'calibration-plain', sql };
