// T-06 safetensors golden corpus: hand-crafted files, each with its expected outcome (M-03..M-06).
// We are deliberately stricter than the reference reader on a leading '{', non-space padding and duplicate keys.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { decodeToF32, readSafetensorsHeader, readTensorF32 } from '../../../../main/engine/weights/safetensors';
import type { SafetensorsHeader } from '../../../../main/engine/weights/safetensors';
import { rawSafetensors } from '../../../fixtures/weights-files';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'st-corpus-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

let counter = 0;
async function parse(bytes: Buffer): Promise<SafetensorsHeader> {
  const path = join(dir, `case-${counter++}.safetensors`);
  await writeFile(path, bytes);
  return readSafetensorsHeader(path);
}

async function refusal(bytes: Buffer): Promise<EngineError> {
  const err = await parse(bytes).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

const t = (dtype: string, shape: unknown[], begin: unknown, end: unknown): object => ({ dtype, shape, data_offsets: [begin, end] });

/** Corrupt files: [description, bytes, expected message fragment]. All must be 'model-corrupt'. */
const corrupt: [string, () => Buffer, RegExp][] = [
  ['shorter than the 8-byte length', () => Buffer.from([1, 2, 3, 4, 5]), /only 5 bytes/],
  ['empty file', () => Buffer.alloc(0), /only 0 bytes/],
  ['header length over 100 MB', () => rawSafetensors('{}', 0, { lengthOverride: 100_000_001n }), /limit is 100000000/],
  ['header length 2^64-1', () => rawSafetensors('{}', 0, { lengthOverride: 2n ** 64n - 1n }), /limit/],
  ['header length past the end of the file', () => rawSafetensors('{}', 0, { lengthOverride: 1000n }), /file has only 16/],
  ['invalid UTF-8', () => rawSafetensors(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/],
  ['leading whitespace', () => rawSafetensors(' {}'), /does not start with '\{'/],
  ['UTF-8 byte-order mark', () => rawSafetensors('\ufeff{}'), /does not start with '\{'/],
  ['a JSON array', () => rawSafetensors('[]'), /does not start with '\{'/],
  ['NUL padding', () => rawSafetensors('{}', 0, { padByte: 0 }), /other than space padding/],
  ['newline padding', () => rawSafetensors('{}\n      '), /other than space padding/],
  ['text after the JSON', () => rawSafetensors('{}x'), /other than space padding/],
  ['two JSON objects', () => rawSafetensors('{}{}'), /other than space padding/],
  ['truncated JSON', () => rawSafetensors('{"a":'), /not valid JSON/],
  ['identical duplicate tensors', () => rawSafetensors(
    '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4),
    /duplicate key "w"/],
  ['conflicting duplicate tensors', () => rawSafetensors(
    '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', 8),
    /duplicate key "w"/],
  ['duplicate dtype inside a tensor', () => rawSafetensors(
    '{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}', 4), /duplicate key "dtype"/],
  ['duplicate __metadata__', () => rawSafetensors('{"__metadata__":{},"__metadata__":{}}'), /duplicate key/],
  ['lone surrogate escape', () => rawSafetensors('{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), /surrogate/],
  ['deep nesting', () => rawSafetensors(`{"__metadata__":${'['.repeat(100)}${']'.repeat(100)}}`), /nesting/],
  ['gap between tensors', () => rawSafetensors({ a: t('F32', [1], 0, 4), b: t('F32', [1], 8, 12) }, 12), /\(a gap\)/],
  ['first tensor not at 0', () => rawSafetensors({ a: t('F32', [1], 4, 8) }, 8), /\(a gap\)/],
  ['overlapping tensors', () => rawSafetensors({ a: t('F32', [2], 0, 8), b: t('F32', [2], 4, 12) }, 12), /\(an overlap\)/],
  ['two tensors on the same bytes', () => rawSafetensors({ a: t('F32', [1], 0, 4), b: t('F32', [1], 0, 4) }, 4), /an overlap/],
  ['end before begin', () => rawSafetensors({ a: t('F32', [0], 8, 4) }, 8), /ends \(4\) before it begins \(8\)/],
  ['end past the file', () => rawSafetensors({ a: t('F32', [4], 0, 16) }, 8), /need \d+ bytes but the file has only/],
  ['trailing bytes', () => rawSafetensors({ a: t('F32', [1], 0, 4) }, 12), /8 unexplained bytes/],
  ['data shorter than declared (truncated download)', () => rawSafetensors({ a: t('F16', [1000], 0, 2000) }, 1000), /truncated/],
  ['shape product overflows u64', () => rawSafetensors({ a: t('F32', [2 ** 40, 2 ** 40], 0, 4) }, 4), /overflows/],
  ['shape entry above 2^53', () => rawSafetensors('{"a":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,4]}}', 4),
    /not a non-negative integer/],
  ['negative shape entry', () => rawSafetensors({ a: t('F32', [-1], 0, 4) }, 4), /not a non-negative integer/],
  ['float shape entry', () => rawSafetensors('{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', 4), /not a non-negative integer/],
  ['exponent shape entry', () => rawSafetensors('{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', 4), /not a non-negative integer/],
  ['string shape entry', () => rawSafetensors({ a: t('F32', ['1'], 0, 4) }, 4), /not a non-negative integer/],
  ['shape not an array', () => rawSafetensors({ a: { dtype: 'F32', shape: 1, data_offsets: [0, 4] } }, 4), /shape that is not an array/],
  ['negative offset', () => rawSafetensors({ a: t('F32', [1], -4, 0) }, 4), /data_offsets that are not/],
  ['offset beyond 2^64', () => rawSafetensors('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551620]}}', 4), /needs 4/],
  ['three data_offsets', () => rawSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 4] } }, 4), /data_offsets \[begin, end\]/],
  ['unknown dtype', () => rawSafetensors({ a: t('F17', [1], 0, 4) }, 4), /unknown dtype "F17"/],
  ['lower-case dtype', () => rawSafetensors({ a: t('f32', [1], 0, 4) }, 4), /unknown dtype/],
  ['dtype/size mismatch', () => rawSafetensors({ a: t('F32', [2], 0, 4) }, 4), /has 4 bytes of data but F32 \[2\] needs 8/],
  ['F4 with an odd element count', () => rawSafetensors({ a: t('F4', [3], 0, 2) }, 2), /do not fill whole bytes/],
  ['extra key in a tensor', () => rawSafetensors({ a: { ...t('F32', [1], 0, 4), offsets: [0, 4] } }, 4), /exactly dtype, shape and data_offsets/],
  ['missing data_offsets', () => rawSafetensors({ a: { dtype: 'F32', shape: [1] } }, 4), /exactly dtype, shape and data_offsets/],
  ['tensor that is not an object', () => rawSafetensors({ a: [1, 2] }), /not described by an object/],
  ['__metadata__ with a number value', () => rawSafetensors({ __metadata__: { format: 1 } }), /__metadata__ value "format" is not a string/],
  ['__metadata__ not an object', () => rawSafetensors({ __metadata__: 'pt' }), /__metadata__ is not an object/],
];

describe('safetensors corpus: refused files', () => {
  for (const [name, build, message] of corrupt) {
    it(`refuses ${name}`, async () => {
      const err = await refusal(build());
      expect(err.code).toBe('model-corrupt');
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/case-\d+\.safetensors/); // names the file
    });
  }

  it('refuses a missing file as model-not-found', async () => {
    const err = await readSafetensorsHeader(join(dir, 'nope.safetensors')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('model-not-found');
  });

  it('refuses a directory', async () => {
    const err = await readSafetensorsHeader(dir).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('model-corrupt');
    expect((err as EngineError).message).toMatch(/not a regular file/);
  });
});

describe('safetensors corpus: accepted files', () => {
  it('accepts an empty header with no tensors', async () => {
    const header = await parse(rawSafetensors('{}'));
    expect(header.tensors.size).toBe(0);
    expect(header.dataStart).toBe(16);
  });

  it('reads metadata, dtypes, shapes and absolute offsets', async () => {
    const header = await parse(rawSafetensors({
      __metadata__: { format: 'pt', note: 'ü' },
      a: t('F16', [2, 3], 0, 12),
      ids: t('I64', [1, 2], 12, 28),
    }, 28));
    expect(header.metadata).toEqual({ format: 'pt', note: 'ü' });
    const a = header.tensors.get('a')!;
    expect(a).toMatchObject({ dtype: 'F16', shape: [2, 3], offset: header.dataStart, byteLength: 12 });
    expect(header.tensors.get('ids')).toMatchObject({ dtype: 'I64', offset: header.dataStart + 12, byteLength: 16 });
    expect(header.dataStart % 8).toBe(0);
  });

  it('accepts a zero-size tensor sharing an offset with the next one, deterministically', async () => {
    const header = await parse(rawSafetensors({ b: t('F32', [1], 0, 4), a: t('F32', [0, 3], 0, 0) }, 4));
    expect(header.tensors.get('a')).toMatchObject({ shape: [0, 3], byteLength: 0 });
    expect(header.tensors.get('b')).toMatchObject({ byteLength: 4 });
  });

  it('accepts a 0-rank tensor (one element)', async () => {
    const header = await parse(rawSafetensors({ s: t('F32', [], 0, 4) }, Buffer.from(new Float32Array([2.5]).buffer)));
    const s = header.tensors.get('s')!;
    expect(s.shape).toEqual([]);
    expect(Array.from(await readTensorF32({ ...s, dtype: 'F32', file: header.file }))).toEqual([2.5]);
  });

  it('accepts F4 with an even element count and out-of-order data_offsets', async () => {
    const header = await parse(rawSafetensors({ late: t('F32', [1], 2, 6), f4: t('F4', [4], 0, 2) }, 6));
    expect(header.tensors.get('f4')!.byteLength).toBe(2);
    expect(header.tensors.get('late')!.offset).toBe(header.dataStart + 2);
  });

  it('loads tensors whose data starts misaligned (copy, no RangeError)', async () => {
    const f32 = new Float32Array([1.5, -2.25, 3e-8]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001]); // 1, -2, smallest subnormal
    const data = Buffer.concat([Buffer.from(f16.buffer), Buffer.from(f32.buffer)]);
    // 3-byte header padding-free: the data section starts at byte 8 + N with N odd.
    const json = JSON.stringify({ h: t('F16', [3], 0, 6), f: t('F32', [3], 6, 18) });
    const header = await parse(rawSafetensors(json + (json.length % 2 === 0 ? ' ' : ''), data, { padByte: null }));
    expect(header.dataStart % 2).toBe(1);
    const h = header.tensors.get('h')!;
    const f = header.tensors.get('f')!;
    expect(Array.from(await readTensorF32({ ...h, dtype: 'F16', file: header.file }))).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(await readTensorF32({ ...f, dtype: 'F32', file: header.file }))).toEqual(Array.from(f32));
  });
});

describe('decodeToF32', () => {
  it('copies misaligned F32/F16/BF16 byte views instead of throwing', () => {
    const backing = new Uint8Array(13);
    const odd = backing.subarray(1, 13);
    new DataView(odd.buffer, odd.byteOffset).setFloat32(0, 7.5, true);
    new DataView(odd.buffer, odd.byteOffset).setFloat32(4, -1, true);
    new DataView(odd.buffer, odd.byteOffset).setFloat32(8, 0.125, true);
    expect(Array.from(decodeToF32(odd, 'F32'))).toEqual([7.5, -1, 0.125]);
    const bf = backing.subarray(1, 5);
    bf.set([0x80, 0x3f, 0x00, 0xc0]); // bf16 1.0 = 0x3f80, -2.0 = 0xc000
    expect(Array.from(decodeToF32(bf, 'BF16'))).toEqual([1, -2]);
    expect(Array.from(decodeToF32(bf, 'F16'))).toEqual([1.875, -2]); // 0x3f80 as binary16 = 1.875
  });
});
