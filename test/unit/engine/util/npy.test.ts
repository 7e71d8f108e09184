import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../../../main/engine/util/npy';
import { tinyRefDir } from '../../../helpers/paths';

const scratch = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('readNpy', () => {
  test('reads a float32 NCHW reference array', () => {
    const x = readNpy(resolve(tinyRefDir, 'sample_x_T.npy'));
    expect(x.dtype).toBe('f4');
    expect(x.shape).toEqual([1, 4, 32, 32]);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.data.length).toBe(4096);
    // numpy: np.load('sample_x_T.npy').ravel()[[0, 1, 2, -1]]
    expect([x.data[0], x.data[1], x.data[2], x.data[4095]]).toEqual(
      [1.9269152879714966, 1.4872840642929077, 0.9007171988487244, Math.fround(-0.011842877)]);
  });

  test('reads int64 arrays as BigInt64Array', () => {
    const t = readNpy(resolve(tinyRefDir, 'unet_call1_t.npy'));
    expect(t.dtype).toBe('i8');
    expect(t.shape).toEqual([2]);
    expect(Array.from(t.data as BigInt64Array)).toEqual([1n, 500n]);
  });

  test('widens float16 to float32', () => {
    // np.save(b, np.array([1, -2, 65504, 2**-24, inf, 0.333251953125], dtype='<f2')), base64 of the bytes
    const bytes = Buffer.from('k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDYsKSwg'
      + 'fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPADA/3sBAAB8VTU=', 'base64');
    const a = parseNpy(bytes);
    expect(a.dtype).toBe('f2');
    expect(a.shape).toEqual([6]);
    expect(Array.from(a.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24, Infinity, 0.333251953125]);
  });

  test('rejects what it cannot read with an actionable EngineError', () => {
    const good = encodeNpy([2, 2], new Float32Array([1, 2, 3, 4]));
    expect(() => parseNpy(good.subarray(0, good.length - 1), 'x.npy')).toThrow(/needs 16 data bytes/);
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(EngineError);
    const header = new TextDecoder('latin1').decode(good);
    const fortran = new Uint8Array(Buffer.from(header.replace('False', 'True '), 'latin1'));
    expect(() => parseNpy(fortran, 'x.npy')).toThrow(/Fortran/);
    const bigEndian = new Uint8Array(Buffer.from(header.replace('<f4', '>f4'), 'latin1'));
    expect(() => parseNpy(bigEndian, 'x.npy')).toThrow(/dtype >f4/);
    try {
      readNpy(join(scratch, 'missing.npy'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('invalid-parameters');
    }
  });
});

describe('writeNpy', () => {
  test('writes the same bytes as numpy.save', () => {
    // np.save(path, np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1): a 128-byte header, then the data
    const path = join(scratch, 'a.npy');
    const values = Float32Array.from({ length: 6 }, (_, i) => i * 0.5 - 1);
    writeNpy(path, [2, 3], values);
    const bytes = readFileSync(path);
    const expectedHeader = "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
      + ' '.repeat(58) + '\n';
    expect(bytes.length).toBe(152);
    expect(bytes.subarray(0, 128).toString('latin1')).toBe(expectedHeader);
    expect(new Float32Array(bytes.buffer.slice(bytes.byteOffset + 128, bytes.byteOffset + 152))).toEqual(values);
  });

  test('round-trips 1-d and 4-d arrays', () => {
    for (const shape of [[5], [1, 4, 2, 2]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: count }, (_, i) => Math.fround(Math.sin(i) * 100));
      const path = join(scratch, `r${shape.length}.npy`);
      writeNpy(path, shape, data);
      const back = readNpy(path);
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(data);
      expect((readFileSync(path).length - 4 * count) % 64).toBe(0); // the header is padded to 64 bytes
    }
    expect(() => writeNpy(join(scratch, 'bad.npy'), [2, 2], new Float32Array(3))).toThrow(RangeError);
  });
});
