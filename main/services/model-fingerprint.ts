// A model's fingerprint (size, mtime, hash of the first MiB of each weight file) to notice that a file
// changed since it was validated (M-09): a changed model is inspected again before it is used.
// The first MiB holds a safetensors header for any real checkpoint; hashing whole multi-GB files at every
// start would be too slow.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModelFingerprint } from '../db/models-repo';

const HEAD_BYTES = 1024 * 1024;
/** Diffusers components whose weights matter (tokenizer/scheduler files are small and also listed). */
const MAX_FOLDER_FILES = 256;

async function hashHead(file: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    hash.update(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Files of a diffusers folder, two levels deep (model_index.json, <component>/<file>), sorted. */
async function folderFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile()) files.push(join(root, entry.name));
    else if (entry.isDirectory()) {
      for (const inner of await readdir(join(root, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) files.push(join(root, entry.name, inner.name));
      }
    }
  }
  return files.sort().slice(0, MAX_FOLDER_FILES);
}

export async function modelFingerprint(path: string): Promise<ModelFingerprint> {
  const info = await stat(path);
  const hash = createHash('sha256');
  if (!info.isDirectory()) {
    await hashHead(path, hash);
    return { sizeBytes: info.size, fileMtime: Math.trunc(info.mtimeMs), headerHash: hash.digest('hex') };
  }
  let sizeBytes = 0;
  let mtime = Math.trunc(info.mtimeMs);
  for (const file of await folderFiles(path)) {
    const s = await stat(file);
    sizeBytes += s.size;
    mtime = Math.max(mtime, Math.trunc(s.mtimeMs));
    hash.update(`${relative(path, file)}\0${s.size}\0`);
    if (file.endsWith('.safetensors') || file.endsWith('.json')) await hashHead(file, hash);
  }
  return { sizeBytes, fileMtime: mtime, headerHash: hash.digest('hex') };
}

/** Cheap check (no hashing) whether the file may have changed since `known`. */
export async function mayHaveChanged(path: string, known: ModelFingerprint): Promise<boolean> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return (await modelFingerprint(path)).headerHash !== known.headerHash;
    return info.size !== known.sizeBytes || Math.trunc(info.mtimeMs) !== known.fileMtime;
  } catch {
    return true;
  }
}

async function hashFile(file: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
}

/**
 * SHA-256 of every byte (of a diffusers folder: its files' relative paths and bytes): whether two models are
 * the same file. Fine-tunes share sizes and often their first MiB (same key layout, same VAE), so the cheap
 * fingerprint cannot tell; this reads everything (seconds for a multi-GB file), so it is only computed for
 * models of the same size.
 */
export async function contentHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  if (!(await stat(path)).isDirectory()) {
    await hashFile(path, hash);
    return hash.digest('hex');
  }
  for (const file of await folderFiles(path)) {
    hash.update(`${relative(path, file)}\0`);
    await hashFile(file, hash);
  }
  return hash.digest('hex');
}
