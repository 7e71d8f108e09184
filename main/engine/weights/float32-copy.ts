// CPU graphs compute in float32, but most SD checkpoints store fp16. Casting inside the graph makes the
// runtime hold both the fp16 bytes and their fp32 fold while a session is created (6.2 GB peak for SD1.5
// instead of 4.0 GB) and redo that work at every start. So the fp16/bf16 tensors are widened once into a
// cache file next to the engine's other caches, and CPU graphs reference that file instead.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { uniqueTempPath } from '../../common/atomic-file';
import { EngineError } from '../errors';
import { decodeToF32, readTensorBytes } from './safetensors';
import type { TensorEntry, TensorIndex } from './tensor-index';

/** Bump when the file layout changes. */
const LAYOUT_VERSION = 1;
/** Tensors start on page boundaries, so the runtime may map them instead of copying. */
const ALIGN = 4096;

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
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${fingerprint(index, narrow)}.f32.bin`);

  const placed = new Map<string, TensorEntry>();
  let offset = 0;
  for (const t of narrow) {
    const byteLength = (t.byteLength / 2) * 4;
    placed.set(t.name, { ...t, dtype: 'F32', file, offset, byteLength });
    offset = Math.ceil((offset + byteLength) / ALIGN) * ALIGN;
  }
  if (!existsSync(file) || statSync(file).size !== offset) await writeCopy(file, narrow, placed, offset);

  const tensors = new Map(index.tensors);
  for (const [name, entry] of placed) tensors.set(name, entry);
  return { ...index, tensors };
}

async function writeCopy(file: string, narrow: readonly TensorEntry[], placed: ReadonlyMap<string, TensorEntry>, size: number): Promise<void> {
  // Unique per writer: two opens of the same model (the app and a check, two engines) may write at once;
  // each renames its own complete copy into place.
  const temp = uniqueTempPath(dirname(file));
  const out = createWriteStream(temp);
  const write = (chunk: Uint8Array): Promise<void> => new Promise((resolve, reject) => {
    out.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
  try {
    let written = 0;
    for (const t of narrow) {
      const target = placed.get(t.name)!;
      if (target.offset > written) await write(new Uint8Array(target.offset - written));
      const f32 = decodeToF32(await readTensorBytes(t), t.dtype);
      await write(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength));
      written = target.offset + target.byteLength;
    }
    if (size > written) await write(new Uint8Array(size - written));
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(temp, file);
  } catch (err) {
    out.destroy();
    await rm(temp, { force: true });
    const code = (err as { code?: string }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new EngineError('disk-full', `There is not enough disk space for the model's float32 weight cache (${(size / 2 ** 30).toFixed(1)} GiB in ${file}). Free some space and try again.`);
    }
    throw err;
  }
}
