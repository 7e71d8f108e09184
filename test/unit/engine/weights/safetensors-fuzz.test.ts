// T-07 (PR-sized): mutate valid safetensors files (bit flips, truncation, extension, length-prefix edits,
// header splices) and check the reader only ever accepts a consistent file or refuses with 'model-corrupt'.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { tensorRandom } from '../../../../main/engine/weights/random-checkpoint';
import { readSafetensorsHeader } from '../../../../main/engine/weights/safetensors';
import { rawSafetensors } from '../../../fixtures/weights-files';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'st-fuzz-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const ITERATIONS = 2000;
const DTYPES = [['F32', 4], ['F16', 2], ['BF16', 2], ['I64', 8], ['U8', 1]] as const;

function validFile(random: () => number): Buffer {
  const int = (n: number): number => Math.floor(random() * n);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (let i = int(5); i >= 0; i--) {
    const [dtype, size] = DTYPES[int(DTYPES.length)]!;
    const shape = Array.from({ length: int(3) }, () => int(4));
    const bytes = shape.reduce((a, b) => a * b, size);
    header[`t${i}.weight`] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return rawSafetensors(header, offset);
}

function mutate(file: Buffer, random: () => number): Buffer {
  const int = (n: number): number => Math.floor(random() * n);
  const out = Buffer.from(file);
  switch (int(6)) {
    case 0: { for (let k = 1 + int(3); k > 0; k--) { const i = int(out.length); out[i] = out[i]! ^ (1 << int(8)); } return out; }
    case 1: return out.subarray(0, int(out.length));
    case 2: return Buffer.concat([out, Buffer.alloc(1 + int(16), int(256))]);
    case 3: { out.writeBigUInt64LE(out.readBigUInt64LE(0) + BigInt(int(17) - 8), 0); return out; }
    case 4: { const i = 8 + int(out.length - 8); out[i] = '{}[]:,"0123456789-.e '.charCodeAt(int(21)); return out; }
    default: { const i = 8 + int(out.length - 8); out.fill(0x20, i, Math.min(out.length, i + int(8))); return out; }
  }
}

describe('safetensors fuzz', () => {
  it(`accepts only consistent files and refuses the rest as model-corrupt (${ITERATIONS} mutations)`, async () => {
    const random = tensorRandom(2024, 'safetensors-fuzz');
    const path = join(dir, 'fuzz.safetensors');
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = mutate(validFile(random), random);
      await writeFile(path, bytes);
      try {
        const header = await readSafetensorsHeader(path);
        accepted++;
        // Accepted files are internally consistent: tensors tile the data section exactly.
        const spans = [...header.tensors.values()].map((t) => [t.offset, t.offset + t.byteLength] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let end = header.dataStart;
        for (const [b, e] of spans) { expect(b).toBe(end); end = e; }
        expect(end).toBe(bytes.length);
      } catch (err) {
        if (!(err instanceof EngineError) || err.code !== 'model-corrupt') throw err;
      }
    }
    console.log(`fuzz: ${accepted} of ${ITERATIONS} mutated files accepted (all consistent), the rest refused as model-corrupt`);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(ITERATIONS);
  });
});
