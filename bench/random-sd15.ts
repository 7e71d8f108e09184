// An SD1.5-sized random-weight checkpoint in the real key layout, made once and kept in the cache folder:
// the benchmarks' stand-in for real SD1.5 weights (same shapes, same compute, meaningless images).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../main/engine/cache-dir';
import { SD15_CONFIG, writeRandomCheckpoint } from '../main/engine/profiling';

export async function ensureRandomSd15(): Promise<string> {
  const path = join(defaultCacheDir(), 'random-sd15-f16.safetensors');
  if (!existsSync(path)) {
    mkdirSync(defaultCacheDir(), { recursive: true });
    console.error(`bench: writing an SD1.5-sized random checkpoint to ${path} (once, ~2 GB)…`);
    await writeRandomCheckpoint(path, SD15_CONFIG, { dtype: 'F16', seed: 1, layout: 'ldm' });
  }
  return path;
}
