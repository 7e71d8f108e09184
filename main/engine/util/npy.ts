// Minimal NumPy .npy reader/writer for the arrays we exchange with reference tools: the CLI's --noise
// input and --latents-out output, and the golden tests. C-order, little-endian float32 / float16 / int64.
// Ref: numpy/lib/format.py (format versions 1.0, 2.0 and 3.0).

import { readFileSync, writeFileSync } from 'node:fs';
import { EngineError } from '../errors';

export type NpyDtype = 'f4' | 'f2' | 'i8';

export interface NpyArray {
  shape: number[];
  /** The dtype stored in the file. float16 data is widened to float32 on reading. */
  dtype: NpyDtype;
  data: Float32Array | BigInt64Array;
}

const MAGIC = '\x93NUMPY';

function invalid(what: string, detail: string): EngineError {
  return new EngineError('invalid-parameters', `${what} is not a NumPy .npy file we can read: ${detail}.`);
}

/** float16 bits -> float32 value (exact: every float16 is a float32). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function parseHeader(header: string, what: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw invalid(what, 'the header has no descr/fortran_order/shape');
  }
  if (fortran === 'True') throw invalid(what, 'Fortran-ordered arrays are not supported, save it in C order');
  const dtypes: Record<string, NpyDtype> = { '<f4': 'f4', '<f2': 'f2', '<i8': 'i8' };
  const dtype = dtypes[descr];
  if (dtype === undefined) throw invalid(what, `dtype ${descr} is not one of little-endian float32, float16, int64`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw invalid(what, `bad shape (${shapeText})`);
  return { dtype, shape };
}

/** Parse .npy bytes. `what` names the source in error messages. */
export function parseNpy(bytes: Uint8Array, what = 'The array'): NpyArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) {
    throw invalid(what, 'missing the \\x93NUMPY magic');
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw invalid(what, `format version ${major} is unknown`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw invalid(what, 'the header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, what);

  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = dtype === 'f4' ? 4 : dtype === 'f2' ? 2 : 8;
  if (bytes.length - dataStart !== count * itemSize) {
    throw invalid(what, `shape (${shape.join(', ')}) needs ${count * itemSize} data bytes, the file has ${bytes.length - dataStart}`);
  }
  if (dtype === 'i8') {
    const data = new BigInt64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getBigInt64(dataStart + 8 * i, true);
    return { shape, dtype, data };
  }
  const data = new Float32Array(count);
  if (dtype === 'f4') for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  else for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(dataStart + 2 * i, true));
  return { shape, dtype, data };
}

/** Encode a C-order float32 array as .npy version 1.0 bytes (header padded to 64 bytes like NumPy). */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || count !== data.length) {
    throw new RangeError(`encodeNpy: shape (${shape.join(', ')}) does not describe ${data.length} values`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * count);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = 1;
  out[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const dataStart = 10 + header.length;
  for (let i = 0; i < count; i++) view.setFloat32(dataStart + 4 * i, data[i]!, true);
  return out;
}

/** Read a .npy file (little-endian float32, float16 or int64, C order). */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EngineError('invalid-parameters', `Cannot read the array file ${path}: check the path.`, reason);
  }
  return parseNpy(bytes, path);
}

/** Write a C-order float32 array to a .npy file. */
export function writeNpy(path: string, shape: readonly number[], data: Float32Array): void {
  writeFileSync(path, encodeNpy(shape, data));
}
