// Open what the user picked, a single-file `.safetensors` checkpoint or a diffusers folder, as one
// TensorIndex in canonical LDM names. Nothing here reads weight data; graph builders point ONNX external
// data at the recorded offsets. Pickle files are refused (pickle-refusal.ts), never loaded.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EngineError } from '../errors';
import { openDiffusersFolder } from './diffusers-folder';
import { canonicalSingleFileName } from './names/clip';
import { readSafetensorsRefusingPickle } from './pickle-refusal';
import type { TensorEntry, TensorIndex } from './tensor-index';
import { isIgnoredKey, weightEntry } from './tensor-entries';

export async function openCheckpoint(path: string): Promise<TensorIndex> {
  const absolute = resolve(path);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch (err) {
    throw new EngineError('model-not-found', `The model "${absolute}" does not exist or cannot be read.`, String(err));
  }
  return isDirectory ? openDiffusersFolder(absolute) : openSingleFile(absolute);
}

/** A single-file checkpoint: LDM keys as they are (legacy CLIP keys normalised), extras dropped. */
async function openSingleFile(path: string): Promise<TensorIndex> {
  const header = await readSafetensorsRefusingPickle(path);
  const tensors = new Map<string, TensorEntry>();
  for (const t of header.tensors.values()) {
    if (isIgnoredKey(t.name)) continue;
    const name = canonicalSingleFileName(t.name);
    if (tensors.has(name)) {
      throw new EngineError('model-corrupt',
        `"${header.file}" holds ${name} twice (under its current and its legacy name); the file is not a usable checkpoint.`);
    }
    const entry = weightEntry(name, t.shape, t, header.file);
    if (entry !== undefined) tensors.set(name, entry);
  }
  return { source: { kind: 'single-file', path }, tensors, metadata: header.metadata };
}
