// Streaming safetensors writer: the header is computed from shapes alone, then each tensor's bytes are
// pulled chunk by chunk from its producer, so a multi-gigabyte file never exists in memory.
// Ref: huggingface/safetensors `serialize` (header padded with spaces so the data starts 8-byte aligned).

import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { WeightDType } from './tensor-index';

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: WeightDType;
  readonly shape: readonly number[];
  /** The tensor's little-endian bytes, in chunks of whatever size the producer likes. */
  readonly data: () => Iterable<Uint8Array>;
}

const BYTES_PER_ELEMENT: Record<WeightDType, number> = { F32: 4, F16: 2, BF16: 2 };

export function tensorByteLength(dtype: WeightDType, shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, BYTES_PER_ELEMENT[dtype]);
}

/** The header bytes (without the 8-byte length) for tensors stored in the given order. */
export function buildHeader(tensors: readonly Omit<TensorToWrite, 'data'>[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const entries: string[] = [];
  if (Object.keys(metadata).length > 0) entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of tensors) {
    const end = offset + tensorByteLength(t.dtype, t.shape);
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = Buffer.from(`{${entries.join(',')}}`, 'utf8');
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const header = Buffer.alloc(padded, 0x20);
  json.copy(header);
  return header;
}

/** Write `tensors` (data in the given order) to `path`, via a temporary file renamed into place at the end. */
export async function writeSafetensors(path: string, tensors: readonly TensorToWrite[],
    metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  const partial = `${path}.partial`;
  const handle = await open(partial, 'w');
  try {
    const header = buildHeader(tensors, metadata);
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    await writeAll(handle, prefix);
    await writeAll(handle, header);
    for (const t of tensors) {
      let written = 0;
      for (const chunk of t.data()) {
        await writeAll(handle, chunk);
        written += chunk.byteLength;
      }
      const expected = tensorByteLength(t.dtype, t.shape);
      if (written !== expected) throw new Error(`tensor ${t.name}: producer gave ${written} bytes, expected ${expected}`);
    }
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
  await rename(partial, path);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.byteLength;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}
