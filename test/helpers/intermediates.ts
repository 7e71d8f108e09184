// Reading the references' float32 intermediates files and recomputing small steps (LayerNorm) in float64,
// for tests that check one part of an encoder against the official code's internals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { decodeToF32, readTensorBytes } from '../../main/engine/weights/safetensors';

/** Every tensor of a small float32 `*.safetensors` intermediates file, by name. */
export function readIntermediates(dir: string, name: string): Map<string, Float32Array> {
  const buf = readFileSync(join(dir, name));
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const out = new Map<string, Float32Array>();
  for (const [key, t] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${name}: ${key} is ${t.dtype}, expected F32`);
    const bytes = buf.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    out.set(key, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }
  return out;
}

/** Model weights as float32 (through the engine's strict reader). */
export async function readWeights(rt: ModelRuntime, names: readonly string[]): Promise<Float32Array[]> {
  return Promise.all(names.map(async (name) => {
    const e = rt.model.src.entry(name);
    return decodeToF32(await readTensorBytes(e), e.dtype);
  }));
}

/** LayerNorm over rows of `width` (eps 1e-5), in float64. */
export function layerNorm64(x: Float32Array, w: Float32Array, b: Float32Array, width: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    const mean = row.reduce((a, c) => a + c, 0) / width;
    const variance = row.reduce((a, c) => a + (c - mean) ** 2, 0) / width;
    for (let i = 0; i < width; i++) out[r * width + i] = ((row[i]! - mean) / Math.sqrt(variance + 1e-5)) * w[i]! + b[i]!;
  }
  return out;
}
