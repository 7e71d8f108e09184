// Pickle checkpoints are refused, never loaded: unpickling runs arbitrary code, and every "safe loading"
// mitigation in the Python ecosystem has been bypassed (see shared/notes/reliability-and-security.md §2.2).
// A file is classified by a strict safetensors parse, never by its name; the extension and magic bytes
// only choose which error message the user sees when that parse fails (M-02).

import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { EngineError } from '../errors';
import { readSafetensorsHeader } from './safetensors';
import type { SafetensorsHeader } from './safetensors';
import { OPEN_READ_NONBLOCKING } from './untrusted-file';

export const PICKLE_EXTENSIONS: ReadonlySet<string> = new Set(['.ckpt', '.pt', '.pth', '.bin', '.pkl']);

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PyTorch >= 1.6 saves a zip with <name>/data.pkl inside
// PROTO opcode + protocol 2..5: how every binary pickle (legacy torch.save files included) begins.
const PICKLE_PROTO = 0x80;

export function pickleRefusal(path: string, context = ''): EngineError {
  return new EngineError('model-pickle',
    `${context}"${path}" is a pickle checkpoint. Pickle checkpoints (.ckpt/.pt) can run arbitrary code when loaded, ` +
    'so DaTo Studio does not open them. Convert it to .safetensors with a tool you trust, or download the ' +
    '.safetensors version of the model.');
}

/** Read a safetensors header; if the file is not valid safetensors but looks like a pickle, refuse it as one. */
export async function readSafetensorsRefusingPickle(path: string): Promise<SafetensorsHeader> {
  try {
    return await readSafetensorsHeader(path);
  } catch (err) {
    if (err instanceof EngineError && err.code === 'model-corrupt' && await looksLikePickle(path)) throw pickleRefusal(path);
    throw err;
  }
}

async function looksLikePickle(path: string): Promise<boolean> {
  if (PICKLE_EXTENSIONS.has(extname(path).toLowerCase())) return true;
  const handle = await open(path, OPEN_READ_NONBLOCKING);
  try {
    if (!(await handle.stat()).isFile()) return false;
    const head = new Uint8Array(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === PICKLE_PROTO && head[1]! >= 2 && head[1]! <= 5) return true;
    return bytesRead === 4 && ZIP_MAGIC.every((b, i) => head[i] === b);
  } finally {
    await handle.close();
  }
}
