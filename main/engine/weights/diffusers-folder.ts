// A diffusers Stable Diffusion folder (model_index.json + unet/ text_encoder/ vae/ [tokenizer/]) read into
// one TensorIndex with canonical LDM names. The folder is untrusted data: model_index.json is only checked
// against a component allowlist (no custom pipeline code), shard names must be plain basenames, and every
// file must resolve (symlinks followed) inside its component folder (M-01, M-02, M-08).
// Symlink policy: a file may also resolve into `<repo>/blobs/` when the folder is a Hugging Face cache
// snapshot (`<cache>/models--org--name/snapshots/<revision>/`), because that is how the HF cache stores
// every file; anything else outside the folder is refused.

import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import { EngineError } from '../errors';
import type { DiffusersComponent } from './diffusers-configs';
import { diffusersToLdmEntries } from './diffusers-names';
import { PICKLE_EXTENSIONS, pickleRefusal, readSafetensorsRefusingPickle } from './pickle-refusal';
import type { SafetensorsHeader } from './safetensors';
import { StrictJsonError, parseStrictJson } from './strict-json';
import type { JsonValue } from './strict-json';
import type { TensorEntry, TensorIndex } from './tensor-index';
import { UntrustedFileError, isInside, readContainedSmallFile } from './untrusted-file';

/** Components a Stable Diffusion pipeline may list; we read unet, text_encoder, vae and tokenizer. */
const KNOWN_COMPONENTS: ReadonlySet<string> = new Set([
  'unet', 'text_encoder', 'vae', 'tokenizer', 'scheduler', 'safety_checker', 'feature_extractor',
  'image_encoder', 'text_encoder_2', 'tokenizer_2',
]);

const WEIGHT_BASENAME: Record<DiffusersComponent, string> = {
  unet: 'diffusion_pytorch_model', text_encoder: 'model', vae: 'diffusion_pytorch_model',
};

const SHARD_NAME = /^[\w.-]+\.safetensors$/;
const MAX_JSON_BYTES = 16 * 1024 * 1024;

export async function openDiffusersFolder(path: string): Promise<TensorIndex> {
  const root = await realpath(path);
  const allowedRoots = [root, ...huggingFaceBlobs(root)];
  await checkModelIndex(root, allowedRoots);
  const tensors = new Map<string, TensorEntry>();
  let metadata: Readonly<Record<string, string>> | undefined;
  for (const component of ['unet', 'text_encoder', 'vae'] as const) {
    const headers = await readComponent(root, component, allowedRoots);
    if (headers === undefined) continue;
    metadata ??= headers[0]?.metadata;
    for (const entry of diffusersToLdmEntries(component, headers)) {
      if (tensors.has(entry.name)) {
        throw new EngineError('model-corrupt', `The diffusers folder "${root}" holds ${entry.name} twice (under two different names).`);
      }
      tensors.set(entry.name, entry);
    }
  }
  const tokenizerDir = await findTokenizer(root);
  return {
    source: { kind: 'diffusers', path: root },
    tensors,
    ...(tokenizerDir !== undefined ? { tokenizerDir } : {}),
    metadata: metadata ?? {},
  };
}

function structureError(root: string, problem: string): EngineError {
  return new EngineError('model-corrupt', `The diffusers folder "${root}" cannot be used: ${problem}.`);
}

/** Where a Hugging Face cache snapshot keeps the files its symlinks point to (empty for other folders). */
export function huggingFaceBlobs(root: string): string[] {
  const repo = dirname(dirname(root));
  const isSnapshot = basename(dirname(root)) === 'snapshots' && basename(repo).startsWith('models--');
  return isSnapshot ? [join(repo, 'blobs')] : [];
}

/** Resolve `path` (following symlinks) and refuse it unless it lands inside one of `roots`. */
async function containedRealpath(path: string, roots: readonly string[], root: string): Promise<string> {
  const real = await realpath(path);
  if (!roots.some((r) => isInside(real, r))) {
    throw structureError(root, `"${relative(root, path)}" points outside the model folder (to "${real}"); ` +
      'DaTo Studio only reads files inside the folder you chose');
  }
  return real;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** A JSON file of the folder: a regular file inside `roots`, at most MAX_JSON_BYTES, strictly parsed. */
function readJson(path: string, root: string, roots: readonly string[]): JsonValue {
  try {
    return parseStrictJson(readContainedSmallFile(path, roots, MAX_JSON_BYTES).toString('utf8'));
  } catch (err) {
    if (err instanceof UntrustedFileError) throw structureError(root, `${relative(root, path)} ${err.message}`);
    if (err instanceof StrictJsonError) throw structureError(root, `${relative(root, path)} is not valid JSON (${err.message})`);
    throw err;
  }
}

async function checkModelIndex(root: string, allowedRoots: readonly string[]): Promise<void> {
  const indexPath = join(root, 'model_index.json');
  if (!(await exists(indexPath))) {
    throw new EngineError('model-corrupt',
      `"${root}" is a folder without model_index.json, so it is not a diffusers model. Choose a .safetensors checkpoint file or a diffusers model folder.`);
  }
  const index = readJson(await containedRealpath(indexPath, allowedRoots, root), root, allowedRoots);
  if (!(index instanceof Map)) throw structureError(root, 'model_index.json is not a JSON object');
  for (const [name, value] of index) {
    if (name.startsWith('_') || !Array.isArray(value)) continue; // _class_name, requires_safety_checker, ...
    if (!KNOWN_COMPONENTS.has(name)) {
      throw new EngineError('model-unsupported',
        `The diffusers folder "${root}" has a component "${name}" that a Stable Diffusion pipeline does not have. Custom pipelines are not supported.`);
    }
  }
}

/** The safetensors headers holding one component's weights, or undefined when the component has none. */
async function readComponent(root: string, component: DiffusersComponent, allowedRoots: readonly string[]):
    Promise<SafetensorsHeader[] | undefined> {
  const dir = join(root, component);
  if (!(await exists(dir))) return undefined;
  const realDir = await containedRealpath(dir, [root], root);
  const roots = [realDir, ...allowedRoots.slice(1)];
  const base = WEIGHT_BASENAME[component];
  // diffusers' own preference: the full-precision file, then the fp16 variant; one file, else a sharded index.
  for (const [file, sharded] of [
    [`${base}.safetensors`, false], [`${base}.safetensors.index.json`, true],
    [`${base}.fp16.safetensors`, false], [`${base}.safetensors.index.fp16.json`, true],
  ] as const) {
    const candidate = join(dir, file);
    if (!(await exists(candidate))) continue;
    const real = await containedRealpath(candidate, roots, root);
    return sharded ? readShards(real, dir, roots, root) : [await readSafetensorsRefusingPickle(real)];
  }
  const pickles = (await readdir(dir)).filter((f) => PICKLE_EXTENSIONS.has(extname(f).toLowerCase()));
  if (pickles.length > 0) throw pickleRefusal(join(dir, pickles[0]!), `The ${component}/ folder has no .safetensors weights: `);
  return undefined;
}

async function readShards(indexPath: string, dir: string, roots: readonly string[], root: string): Promise<SafetensorsHeader[]> {
  const where = relative(root, join(dir, basename(indexPath)));
  const index = readJson(indexPath, root, roots);
  const weightMap = index instanceof Map ? index.get('weight_map') : undefined;
  if (!(weightMap instanceof Map)) throw structureError(root, `${where} has no weight_map object`);
  const shardOf = new Map<string, string>();
  for (const [tensor, shard] of weightMap) {
    if (typeof shard !== 'string' || !SHARD_NAME.test(shard)) {
      throw structureError(root, `${where} names the shard ${JSON.stringify(shard)}, which is not a plain .safetensors file name`);
    }
    shardOf.set(tensor, shard);
  }
  const headers: SafetensorsHeader[] = [];
  const foundIn = new Map<string, string>();
  for (const shard of new Set(shardOf.values())) {
    const shardPath = join(dir, shard);
    if (!(await exists(shardPath))) {
      throw new EngineError('model-incomplete', `The shard "${relative(root, shardPath)}" listed in ${where} is missing. Download the model again.`);
    }
    const header = await readSafetensorsRefusingPickle(await containedRealpath(shardPath, roots, root));
    for (const name of header.tensors.keys()) {
      const other = foundIn.get(name);
      if (other !== undefined) throw structureError(root, `the weight ${name} appears in two shards (${other} and ${shard})`);
      foundIn.set(name, shard);
    }
    headers.push(header);
  }
  // Each weight exactly once, where the index says it is.
  for (const [name, shard] of foundIn) {
    const listed = shardOf.get(name);
    if (listed !== shard) {
      throw structureError(root, `${shard} contains ${name}, but ${where} ${listed === undefined ? 'does not list it' : `puts it in ${listed}`}`);
    }
  }
  for (const [name, shard] of shardOf) {
    if (!foundIn.has(name)) throw structureError(root, `${where} lists ${name} in ${shard}, but that shard does not contain it`);
  }
  return headers;
}

async function findTokenizer(root: string): Promise<string | undefined> {
  const dir = join(root, 'tokenizer');
  if (!(await exists(join(dir, 'vocab.json'))) || !(await exists(join(dir, 'merges.txt')))) return undefined;
  const realDir = await containedRealpath(dir, [root], root);
  // Read once here, under the checker's bounds, so a FIFO or a huge file cannot stall a later generation.
  for (const file of ['vocab.json', 'merges.txt']) {
    try {
      readContainedSmallFile(join(dir, file), [realDir, ...huggingFaceBlobs(root)], MAX_JSON_BYTES);
    } catch (err) {
      if (err instanceof UntrustedFileError) throw structureError(root, `tokenizer/${file} ${err.message}`);
      throw err;
    }
  }
  return realDir;
}
