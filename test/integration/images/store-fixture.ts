// A library (database + output folder) in a temp directory, and a test image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb, type StudioDb } from '../../../main/db';
import type { Completion } from '../../../main/db/generations-repo';
import type { NewGeneration } from '../../../main/db/generation-record';

export interface TestLibrary {
  root: string;
  outputDir: string;
  db: StudioDb;
  dispose(): void;
}

export function createTestLibrary(prefix: string, outputDir?: string): TestLibrary {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const db = openStudioDb(join(root, 'data'));
  return {
    root, outputDir: outputDir ?? join(root, 'out'), db,
    dispose: () => { db.close(); rmSync(root, { recursive: true, force: true }); },
  };
}

/** Deterministic RGB test pattern, height × width × 3. */
export function testPattern(width: number, height: number, salt = 0): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = (x * 4 + salt) & 0xff;
      rgb[o + 1] = (y * 4) & 0xff;
      rgb[o + 2] = ((x ^ y) * 8 + salt) & 0xff;
    }
  }
  return rgb;
}

let counter = 0;
export function generation(overrides: Partial<NewGeneration> = {}): NewGeneration {
  counter += 1;
  return {
    jobId: `save-${process.pid}-${counter}`, batchIndex: 0, modelId: null, prompt: 'a lighthouse at dusk, 富士山',
    negativePrompt: 'blurry', sampler: 'euler_a', steps: 20, cfg: 7.5, width: 64, height: 48, seed: 1000 + counter,
    mode: 'cached', schedule: 'F,S,S,F,S,S', accel: { cacheInterval: 3 }, ...overrides,
  };
}

export const completion: Completion = {
  provider: 'cpu', timings: { load: 1, textEncode: 0.1, unetLoop: 2.5, decode: 0.2, total: 3.9, steps: [0.5, 0.1] },
  unetSeconds: 2.5, speedup: 2.1,
};
