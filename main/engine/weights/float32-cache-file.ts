// A file of float32 tensors the engine can rebuild from the user's files (the float32 copy of fp16 weights, LoRA-merged weights):
// each tensor placed at a page-aligned offset (so the runtime may map it instead of copying), the index entries pointing into it, written once through a
// temp file unique per writer and a rename, so two writers of the same file (the app and a check, two
// engines) never see each other's half-written copy.
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { uniqueTempPath } from '../../common/atomic-file';
import { EngineError } from '../errors';
import type { TensorEntry, TensorIndex } from './tensor-index';

const ALIGN = 4096;

export interface Float32CacheTensor {
  /** The tensor's key in the index, and its entry there (name, shape). */
  readonly key: string;
  readonly source: TensorEntry;
  /** Its float32 values, computed only when the file must be written. */
  readonly values: () => Promise<Float32Array>;
}

/**
 * `index` with every tensor of `tensors` redirected to its float32 copy in `file`, written first when the file
 * is missing or has another size. `what` names the file in a full-disk message ("the LoRA-merged weights").
 */
export async function withFloat32CacheFile(
  index: TensorIndex, file: string, tensors: readonly Float32CacheTensor[], what: string,
): Promise<TensorIndex> {
  const placed = new Map<string, TensorEntry>();
  let size = 0;
  for (const { key, source } of tensors) {
    const byteLength = source.shape.reduce((a, b) => a * b, 4);
    placed.set(key, { ...source, dtype: 'F32', file, offset: size, byteLength });
    size = Math.ceil((size + byteLength) / ALIGN) * ALIGN;
  }
  if (!existsSync(file) || statSync(file).size !== size) {
    await writeTensors(file, size, tensors.map((t) => ({ target: placed.get(t.key)!, values: t.values })), what);
  }
  const entries = new Map(index.tensors);
  for (const [key, entry] of placed) entries.set(key, entry);
  return { ...index, tensors: entries };
}

async function writeTensors(
  file: string, size: number, tensors: readonly { target: TensorEntry; values: () => Promise<Float32Array> }[], what: string,
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const temp = uniqueTempPath(dirname(file));
  const out = createWriteStream(temp);
  const write = (chunk: Uint8Array): Promise<void> => new Promise((resolve, reject) => {
    out.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
  try {
    let written = 0;
    for (const { target, values } of tensors) {
      if (target.offset > written) await write(new Uint8Array(target.offset - written));
      const data = await values();
      await write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
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
      throw new EngineError('disk-full', `There is not enough disk space for ${what} (${(size / 2 ** 20).toFixed(0)} MiB in ${file}). Free some space and try again.`);
    }
    throw err;
  }
}
