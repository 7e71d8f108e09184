// A model file uploaded from a web-mode browser: streamed to a hidden temp file in the app's models folder
// (never buffered in memory), size-capped, then renamed to a fresh name. Only `.safetensors` names are
// accepted; pickle extensions are refused before a byte is written. The caller validates the content.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EngineError, PICKLE_EXTENSIONS, pickleRefusal } from '../engine/index';
import { ServiceError } from './service-error';

/** Largest accepted upload: SD 1.x fp32 checkpoints with EMA weights are about 7.7 GB. */
export const MAX_MODEL_UPLOAD_BYTES = 16 * 1024 ** 3;

/** A safe file name from what the browser sent: last path segment, plain characters only. */
export function uploadFileName(requested: string): string {
  const name = basename(requested.replaceAll('\\', '/')).normalize('NFKC');
  const lower = name.toLowerCase();
  const ext = lower.slice(lower.lastIndexOf('.'));
  if (PICKLE_EXTENSIONS.has(ext)) throw pickleRefusal(name);
  if (!lower.endsWith('.safetensors')) {
    throw new EngineError('model-unsupported',
      `"${name.slice(0, 200)}" is not a .safetensors file. Upload a single-file SD 1.x .safetensors checkpoint (diffusers folders can be imported in the desktop app).`);
  }
  const stem = name.slice(0, -'.safetensors'.length).replace(/[^\p{L}\p{N} ._()+-]/gu, '_').replace(/^[.\s]+/, '').slice(0, 120);
  return `${stem || 'model'}.safetensors`;
}

async function freeName(dir: string, name: string): Promise<string> {
  const taken = new Set(await readdir(dir));
  const ext = extname(name);
  const stem = name.slice(0, -ext.length);
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${stem}-${i}${ext}`;
  return join(dir, candidate);
}

/** Write `body` into `dir` under a name derived from `requestedName`; returns the final path. */
export async function receiveUpload(
  dir: string, requestedName: string, body: AsyncIterable<Uint8Array>, maxBytes = MAX_MODEL_UPLOAD_BYTES,
): Promise<string> {
  return writeUpload(dir, uploadFileName(requestedName), body, maxBytes);
}

/** Stream `body` to a hidden temp file in `dir`, then rename it to a free name derived from `name` (already safe). */
export async function writeUpload(dir: string, name: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.upload-${randomBytes(8).toString('hex')}.part`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    let total = 0;
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new ServiceError('invalid-request', `The upload is larger than ${maxBytes >= 1024 ** 3 ? `${Math.round(maxBytes / 1024 ** 3)} GiB` : `${Math.round(maxBytes / 1024 ** 2)} MiB`}.`);
      await handle.write(chunk);
    }
    if (total === 0) throw new EngineError('model-corrupt', `"${name}" is empty.`);
    await handle.sync();
    await handle.close();
    const final = await freeName(dir, name);
    await rename(temp, final);
    return final;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Receive an upload into `dir`, then check and import it with `importPath` (under the sanitised name the user
 * sent); a refused file is removed again, and the refusal names the file the user sent, never where this
 * server keeps it.
 */
export async function importUpload<T>(
  dir: string, requestedName: string, body: AsyncIterable<Uint8Array>, maxBytes: number | undefined,
  importPath: (path: string, name: string) => Promise<T>,
): Promise<T> {
  const path = await receiveUpload(dir, requestedName, body, maxBytes);
  try {
    return await importPath(path, uploadFileName(requestedName));
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof EngineError) throw new EngineError(err.code, err.message.split(path).join(basename(path)), err.detail);
    throw err;
  }
}
