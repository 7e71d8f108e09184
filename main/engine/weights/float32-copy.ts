// CPU graphs compute in float32, but most SD checkpoints store fp16. Casting inside the graph makes the
// runtime hold both the fp16 bytes and their fp32 fold while a session is created (6.2 GB peak for SD1.5
// instead of 4.0 GB) and redo that work at every start. So the fp16/bf16 tensors are widened once into a
// cache file next to the engine's other caches, and CPU graphs reference that file instead.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { withFloat32CacheFile } from './float32-cache-file';
import { decodeToF32, readTensorBytes } from './safetensors';
import type { TensorEntry, TensorIndex } from './tensor-index';

/** Bump when the file layout changes. */
const LAYOUT_VERSION = 1;

function fingerprint(index: TensorIndex, entries: readonly TensorEntry[]): string {
  const h = createHash('sha256').update(`v${LAYOUT_VERSION}`);
  for (const file of new Set(entries.map((e) => e.file))) {
    const st = statSync(file);
    h.update(`${file}|${st.size}|${st.mtimeMs}`);
  }
  h.update(index.source.path);
  return h.digest('hex').slice(0, 24);
}

/**
 * The same index with every F16/BF16 tensor redirected to a float32 copy in `cacheDir` (created on first
 * use, atomically). F32 tensors keep pointing into the checkpoint.
 */
export async function withFloat32Weights(index: TensorIndex, cacheDir: string): Promise<TensorIndex> {
  const narrow = [...index.tensors.values()].filter((t) => t.dtype !== 'F32').sort((a, b) => a.name.localeCompare(b.name));
  if (narrow.length === 0) return index;
  const file = join(cacheDir, `${fingerprint(index, narrow)}.f32.bin`);
  return withFloat32CacheFile(index, file, narrow.map((t) => ({
    key: t.name, source: t, values: async () => decodeToF32(await readTensorBytes(t), t.dtype),
  })), "the model's float32 weight cache");
}
