// Strict safetensors reader: validates the whole header before anything else touches the file, then reads
// single tensors by offset. A checkpoint is never read into one buffer (an SD1.5 fp32 file is 4 GB).
// Ref: huggingface/safetensors `SafeTensors::read_metadata` / `Metadata::validate` (safetensors/src/tensor.rs);
// we are deliberately stricter: the header must start with '{', only 0x20 may pad it, duplicate keys
// are refused (see shared/notes/reliability-and-security.md, M-03..M-06).

import { open, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { EngineError } from '../errors';
import { bf16BitsToF32, f16BitsToF32 } from '../util/float16';
import { JsonLimitError, JsonNumber, StrictJsonError, parseStrictJsonPrefix } from './strict-json';
import type { JsonLimits, JsonObject, JsonValue } from './strict-json';
import type { TensorEntry, WeightDType } from './tensor-index';
import { OPEN_READ_NONBLOCKING, shortened } from './untrusted-file';

/** Bits per element of every dtype the safetensors format defines (F4/F6 are packed sub-byte floats). */
const DTYPE_BITS = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
} as const;

export type SafetensorsDType = keyof typeof DTYPE_BITS;

/** The reference implementation's cap (`MAX_HEADER_SIZE`), checked before the header is allocated. */
export const MAX_HEADER_BYTES = 100_000_000;
/** Real SD checkpoints hold ~1,100 (pruned) to ~2,300 (with EMA) tensors. */
export const MAX_TENSORS = 100_000;
/** Weights are rank ≤ 4; the format has no limit, so a 2 MB file can list a million dimensions. */
export const MAX_RANK = 8;
/**
 * A header is {name: {dtype, shape: [dims], data_offsets: [b, e]}} plus __metadata__ {key: string}: three
 * levels below the root, arrays of at most MAX_RANK elements, at most MAX_TENSORS + 1 keys in the root (and in
 * __metadata__), and at most 6 + MAX_RANK values per tensor.
 */
const HEADER_JSON_LIMITS: JsonLimits = {
  maxDepth: 3, maxValues: MAX_TENSORS * (6 + MAX_RANK), maxArrayLength: MAX_RANK, maxObjectEntries: MAX_TENSORS + 1,
};

export interface SafetensorsTensor {
  readonly name: string;
  /** Any valid safetensors dtype; only F32/F16/BF16 are weights (`isWeightDType`), the rest are ignored. */
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Absolute byte offset of the data in the file (8 + header length + data_offsets[0]). */
  readonly offset: number;
  readonly byteLength: number;
}

export interface SafetensorsHeader {
  /** Real (symlink-resolved) absolute path. */
  readonly file: string;
  readonly fileSize: number;
  /** Absolute offset of the data section (8 + header length). */
  readonly dataStart: number;
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export function isWeightDType(dtype: SafetensorsDType): dtype is WeightDType {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

function corrupt(file: string, problem: string, detail?: string): EngineError {
  return new EngineError('model-corrupt',
    `"${file}" is not a valid safetensors file: ${problem}. The file may be damaged or incompletely downloaded; download it again.`,
    detail);
}

function notRegular(file: string): EngineError {
  return new EngineError('model-corrupt', `"${file}" is not a regular file (a pipe, device or folder), so it is not a model file.`);
}

/** Open, validate and describe a safetensors file. Reads only the 8-byte prefix and the header. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  let file: string;
  let handle: FileHandle;
  try {
    file = await realpath(path);
    if (!(await stat(file)).isFile()) throw notRegular(file);
    handle = await open(file, OPEN_READ_NONBLOCKING);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('model-not-found', `The model file "${path}" does not exist or cannot be read.`, String(err));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(file);
    const fileSize = stats.size;
    if (fileSize < 8) throw corrupt(file, `it is only ${fileSize} bytes long`);
    const prefix = await readExactly(handle, 0, 8, file);
    const headerLength = Buffer.from(prefix.buffer, prefix.byteOffset, 8).readBigUInt64LE(0);
    if (headerLength > BigInt(MAX_HEADER_BYTES)) {
      throw corrupt(file, `its header claims ${headerLength} bytes (the limit is ${MAX_HEADER_BYTES})`);
    }
    if (8n + headerLength > BigInt(fileSize)) {
      throw corrupt(file, `its header claims ${headerLength} bytes but the file has only ${fileSize}`);
    }
    const headerBytes = await readExactly(handle, 8, Number(headerLength), file);
    return { file, fileSize, ...parseSafetensorsHeader(headerBytes, fileSize, file) };
  } finally {
    await handle.close();
  }
}

/**
 * Validate header bytes (everything after the 8-byte length) against the file size. No I/O, so it can
 * be run on in-memory bytes (e.g. by a nightly fuzzer).
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, file: string):
    Omit<SafetensorsHeader, 'file' | 'fileSize'> {
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so the '{' check below refuses it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw corrupt(file, 'its header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw corrupt(file, "its header does not start with '{'");
  let root: JsonValue;
  let end: number;
  try {
    ({ value: root, end } = parseStrictJsonPrefix(text, HEADER_JSON_LIMITS));
  } catch (err) {
    if (err instanceof JsonLimitError) throw corrupt(file, `its header has more structure than a model header can (${err.message})`);
    if (err instanceof StrictJsonError) throw corrupt(file, `its header is not valid JSON (${err.message})`);
    throw err;
  }
  for (let i = end; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x20) throw corrupt(file, 'its header is followed by bytes other than space padding');
  }
  const dataStart = 8 + headerBytes.length;
  if (!(root instanceof Map)) throw corrupt(file, 'its header is not a JSON object');
  const { tensors, metadata } = readHeaderObject(root, file);
  checkLayout(tensors, dataStart, fileSize, file);
  const located = new Map<string, SafetensorsTensor>();
  for (const t of tensors) {
    located.set(t.name, { name: t.name, dtype: t.dtype, shape: t.shape,
      offset: dataStart + Number(t.begin), byteLength: Number(t.end - t.begin) });
  }
  return { dataStart, tensors: located, metadata };
}

interface RawTensor {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: bigint;
  end: bigint;
}

function readHeaderObject(root: JsonObject, file: string): { tensors: RawTensor[]; metadata: Record<string, string> } {
  const tensors: RawTensor[] = [];
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of root) {
    if (name === '__metadata__') {
      if (!(value instanceof Map)) throw corrupt(file, '__metadata__ is not an object');
      for (const [key, v] of value) {
        if (typeof v !== 'string') throw corrupt(file, `__metadata__ value "${shortened(key)}" is not a string`);
        metadata[key] = v;
      }
      continue;
    }
    if (tensors.length >= MAX_TENSORS) throw corrupt(file, `it lists more than ${MAX_TENSORS} tensors`);
    tensors.push(readTensorInfo(name, value, file));
  }
  return { tensors, metadata };
}

function readTensorInfo(name: string, value: JsonValue, file: string): RawTensor {
  const bad = (problem: string): EngineError => corrupt(file, `tensor "${shortened(name)}" ${problem}`);
  if (!(value instanceof Map)) throw bad('is not described by an object');
  const keys = [...value.keys()].sort().join(',');
  if (keys !== 'data_offsets,dtype,shape') throw bad(`must have exactly dtype, shape and data_offsets (has ${keys || 'nothing'})`);
  const dtype = value.get('dtype');
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BITS, dtype)) {
    throw bad(`has an unknown dtype ${JSON.stringify(dtype instanceof JsonNumber ? dtype.text : dtype)}`);
  }
  const shapeValue = value.get('shape');
  if (!Array.isArray(shapeValue)) throw bad('has a shape that is not an array');
  const shape = shapeValue.map((dim) => {
    const n = nonNegativeInteger(dim);
    if (n === undefined || n > BigInt(Number.MAX_SAFE_INTEGER)) throw bad('has a shape entry that is not a non-negative integer');
    return Number(n);
  });
  const offsets = value.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2) throw bad('must have data_offsets [begin, end]');
  const [begin, end] = offsets.map(nonNegativeInteger);
  if (begin === undefined || end === undefined) throw bad('has data_offsets that are not non-negative integers');
  if (end < begin) throw bad(`ends (${end}) before it begins (${begin})`);
  const elements = shape.reduce((acc, dim) => acc * BigInt(dim), 1n);
  if (elements > 0xffff_ffff_ffff_ffffn) throw bad(`has a shape [${shape.join(', ')}] whose element count overflows`);
  const bits = elements * BigInt(DTYPE_BITS[dtype as SafetensorsDType]);
  if (bits % 8n !== 0n) throw bad(`has ${elements} ${dtype} elements, which do not fill whole bytes`);
  if (end - begin !== bits / 8n) {
    throw bad(`has ${end - begin} bytes of data but ${dtype} [${shape.join(', ')}] needs ${bits / 8n}`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape, begin, end };
}

function nonNegativeInteger(value: JsonValue | undefined): bigint | undefined {
  if (!(value instanceof JsonNumber) || !/^(0|[1-9]\d*)$/.test(value.text)) return undefined;
  return BigInt(value.text);
}

/** Tensors sorted by (begin, end) must tile the data section exactly: no gap, overlap or trailing byte. */
function checkLayout(tensors: RawTensor[], dataStart: number, fileSize: number, file: string): void {
  const sorted = [...tensors].sort((a, b) =>
    a.begin !== b.begin ? (a.begin < b.begin ? -1 : 1)
      : a.end !== b.end ? (a.end < b.end ? -1 : 1)
      : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let previousEnd = 0n;
  let previousName = '(start of data)';
  for (const t of sorted) {
    if (t.begin !== previousEnd) {
      throw corrupt(file, `tensor "${shortened(t.name)}" begins at ${t.begin} but "${shortened(previousName)}" ends at ${previousEnd} ` +
        (t.begin > previousEnd ? '(a gap)' : '(an overlap)'));
    }
    previousEnd = t.end;
    previousName = t.name;
  }
  const expectedSize = BigInt(dataStart) + previousEnd;
  if (expectedSize !== BigInt(fileSize)) {
    throw corrupt(file, expectedSize > BigInt(fileSize)
      ? `its tensors need ${expectedSize} bytes but the file has only ${fileSize} (truncated)`
      : `it has ${BigInt(fileSize) - expectedSize} unexplained bytes after the last tensor`);
  }
}

async function readExactly(handle: FileHandle, position: number, length: number, file: string): Promise<Uint8Array> {
  // A fresh ArrayBuffer starts at offset 0, so typed views over it are always aligned (M-06).
  const bytes = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) throw corrupt(file, `it ended at byte ${position + done} (expected ${position + length}); it may have changed since it was opened`);
    done += bytesRead;
  }
  return bytes;
}

/** The raw little-endian bytes of one tensor, read through a fresh descriptor. */
export async function readTensorBytes(entry: Pick<TensorEntry, 'file' | 'offset' | 'byteLength'>): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(entry.file, 'r');
  } catch (err) {
    throw new EngineError('model-not-found', `The model file "${entry.file}" no longer exists or cannot be read.`, String(err));
  }
  try {
    return await readExactly(handle, entry.offset, entry.byteLength, entry.file);
  } finally {
    await handle.close();
  }
}

/**
 * Decode F32/F16/BF16 bytes to float32. Views are made only when the bytes are aligned for the element
 * type; otherwise they are copied first (a RangeError on odd offsets is a crash we do not allow, M-06).
 */
export function decodeToF32(bytes: Uint8Array, dtype: WeightDType): Float32Array {
  const size = dtype === 'F32' ? 4 : 2;
  if (bytes.byteLength % size !== 0) throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} values`);
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  if (dtype === 'F32') return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  const bits = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  return dtype === 'F16' ? f16BitsToF32(bits) : bf16BitsToF32(bits);
}

/** Read one tensor and convert it to float32 (F16/BF16 are widened exactly). */
export async function readTensorF32(entry: TensorEntry): Promise<Float32Array> {
  return decodeToF32(await readTensorBytes(entry), entry.dtype);
}
