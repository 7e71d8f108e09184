// The short hashes A1111 writes into a PNG's parameters for the add-ons of a generation, so Civitai and
// A1111's PNG Info recognise them: LoRAs by the "addnet" hash (SHA-256 of the safetensors data after the
// header; `Lora hashes: "name: 12 hex digits"`), embeddings (`TI hashes`) and a VAE by the SHA-256 of the
// whole file (12 and 10 hex digits).
// Ref: AUTOMATIC1111 modules/hashes.py (sha256, addnet_hash_safetensors), extensions-builtin/Lora/network.py
// (shorthash), modules/sd_vae.py (VAE hash).
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { EngineError } from '../errors';
import { OPEN_READ_NONBLOCKING } from './untrusted-file';

/** The file opened as every file a model brings is: non-blocking, and only when it is a regular file. */
async function openRegular(path: string): Promise<FileHandle> {
  const handle = await open(path, OPEN_READ_NONBLOCKING);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new EngineError('model-corrupt', `"${basename(path)}" is not a regular file.`);
  }
  return handle;
}

async function sha256(path: string, start = 0): Promise<string> {
  const handle = await openRegular(path);
  try {
    const h = createHash('sha256');
    for await (const chunk of handle.createReadStream({ start, autoClose: false })) h.update(chunk as Buffer);
    return h.digest('hex');
  } finally {
    await handle.close();
  }
}

/** addnet hash: SHA-256 of everything after the 8-byte length and the JSON header. */
export async function addnetHash(path: string): Promise<string> {
  const handle = await openRegular(path);
  let headerLength: number;
  try {
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    headerLength = Number(prefix.readBigUInt64LE(0));
  } finally {
    await handle.close();
  }
  return sha256(path, 8 + headerLength);
}

export interface AddonHashes {
  readonly loras: readonly { readonly name: string; readonly hash: string }[];
  /** Textual-inversion embeddings (`TI hashes`: SHA-256 of the file, 12 hex digits). */
  readonly embeddings?: readonly { readonly name: string; readonly hash: string }[];
  readonly vae?: { readonly name: string; readonly hash: string };
}

const nameOf = (path: string): string => basename(path, extname(path));

export async function addonHashes(loraPaths: readonly string[], vaePath: string | undefined, embeddingPaths: readonly string[] = []): Promise<AddonHashes> {
  const loras = await Promise.all(loraPaths.map(async (p) => ({ name: nameOf(p), hash: (await addnetHash(p)).slice(0, 12) })));
  const embeddings = await Promise.all(embeddingPaths.map(async (p) => ({ name: nameOf(p), hash: (await sha256(p)).slice(0, 12) })));
  return {
    loras, ...(embeddings.length ? { embeddings } : {}),
    ...(vaePath ? { vae: { name: basename(vaePath), hash: (await sha256(vaePath)).slice(0, 10) } } : {}),
  };
}
