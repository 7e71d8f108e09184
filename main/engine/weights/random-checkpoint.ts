// Random-weight SD 1.x-architecture checkpoints in the real key layouts (single-file LDM or a diffusers
// folder), for tests and the benchmark: exactly the tensors and shapes a real checkpoint of the given
// architecture has, streamed tensor by tensor (an SD1.5 fp16 file is 2 GB), deterministic for a seed.
// Each tensor's values depend only on (seed, LDM name), so both layouts hold identical bytes per tensor.

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { f32ToF16 } from '../util/float16';
import type { Sd1Config } from './sd1-config';
import { sd1TensorSpecs } from './sd1-tensors';
import type { TensorInit, TensorSpec } from './sd1-tensors';
import { DIFFUSERS_WEIGHTS_FILE, diffusersConfigFiles, diffusersLocationOf } from './diffusers-configs';
import type { DiffusersComponent } from './diffusers-configs';
import { writeSafetensors } from './safetensors-writer';
import type { TensorToWrite } from './safetensors-writer';

export { SD15_CONFIG, TINY_CONFIG } from './sd1-config';
export type { Sd1Config } from './sd1-config';

export interface RandomCheckpointOptions {
  readonly dtype: 'F16' | 'F32';
  readonly seed: number;
  /** 'ldm': `path` is the .safetensors file; 'diffusers': `path` is the folder to create. */
  readonly layout: 'ldm' | 'diffusers';
  /** Diffusers layout only: a folder whose vocab.json and merges.txt are copied into `tokenizer/`. */
  readonly tokenizerFrom?: string;
}

/** Elements generated per chunk: 4 MiB of float32 scratch, whatever the tensor size. */
const CHUNK_ELEMENTS = 1 << 20;

export async function writeRandomCheckpoint(path: string, config: Sd1Config, options: RandomCheckpointOptions): Promise<void> {
  const specs = sd1TensorSpecs(config);
  const metadata = { format: 'pt', generator: 'dato-studio random-checkpoint', seed: String(options.seed) };
  if (options.layout === 'ldm') {
    const tensors = [...specs].sort(byName).map((spec) => randomTensor(spec.name, spec, options));
    await writeSafetensors(path, tensors, metadata);
    return;
  }
  const locate = diffusersLocationOf(config);
  const components: Record<DiffusersComponent, TensorToWrite[]> = { unet: [], text_encoder: [], vae: [] };
  for (const spec of specs) {
    const { component, name, shape } = locate(spec.name, spec.shape);
    components[component].push(randomTensor(name, { ...spec, shape }, options));
  }
  await mkdir(path, { recursive: true });
  for (const [file, content] of Object.entries(diffusersConfigFiles(config, options.tokenizerFrom !== undefined))) {
    await mkdir(join(path, file, '..'), { recursive: true });
    await writeFile(join(path, file), `${JSON.stringify(content, null, 2)}\n`);
  }
  for (const [component, tensors] of Object.entries(components)) {
    const file = DIFFUSERS_WEIGHTS_FILE[component as DiffusersComponent];
    await writeSafetensors(join(path, component, file), tensors.sort(byName), metadata);
  }
  if (options.tokenizerFrom !== undefined) {
    await mkdir(join(path, 'tokenizer'), { recursive: true });
    for (const file of ['vocab.json', 'merges.txt']) await copyFile(join(options.tokenizerFrom, file), join(path, 'tokenizer', file));
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A tensor stored under `storedName` whose values are drawn from (seed, LDM name of `spec`). */
function randomTensor(storedName: string, spec: TensorSpec, options: RandomCheckpointOptions): TensorToWrite {
  const elements = spec.shape.reduce((a, b) => a * b, 1);
  return {
    name: storedName,
    dtype: options.dtype,
    shape: spec.shape,
    data: function* () {
      const random = tensorRandom(options.seed, spec.name);
      const scratch = new Float32Array(Math.min(CHUNK_ELEMENTS, elements));
      for (let done = 0; done < elements; done += scratch.length) {
        const chunk = scratch.subarray(0, Math.min(scratch.length, elements - done));
        fill(chunk, spec.init, random);
        const stored = options.dtype === 'F16' ? f32ToF16(chunk) : chunk;
        yield new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
      }
    },
  };
}

const NORM_NOISE = 0.1;

function fill(out: Float32Array, init: TensorInit, random: () => number): void {
  const [center, bound] = init.kind === 'uniform' ? [0, init.bound] : [init.kind === 'norm-weight' ? 1 : 0, NORM_NOISE];
  for (let i = 0; i < out.length; i++) out[i] = center + bound * (2 * random() - 1);
}

/** sfc32 generator (PractRand-clean, 2^128 state) seeded from (seed, name) by FNV-1a and splitmix32. */
export function tensorRandom(seed: number, name: string): () => number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const byte of Buffer.from(`${seed}:${name}`, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  let state = hash >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 8) / 16777216; // 24 random bits in [0, 1)
  };
}
