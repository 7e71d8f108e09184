// Diffusers folders (M-01, M-02, M-08; T-08, T-09): component allowlist, weight file selection (.bin never
// read, fp16 variants, sharded indexes), shard-name and symlink containment, the Hugging Face cache policy,
// legacy VAE attention names. Each case starts from a fresh copy of a random-weight diffusers folder.

import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors';
import { openCheckpoint } from '../../../main/engine/weights/checkpoint';
import { detectFamily } from '../../../main/engine/weights/detect';
import { writeRandomCheckpoint } from '../../../main/engine/weights/random-checkpoint';
import { readSafetensorsHeader, readTensorBytes } from '../../../main/engine/weights/safetensors';
import { writeSafetensors } from '../../../main/engine/weights/safetensors-writer';
import type { TensorIndex, WeightDType } from '../../../main/engine/weights/tensor-index';
import { MICRO_CONFIG, canaryPickle, splitIntoShards } from '../../fixtures/weights-files';

const UNET_FILE = 'diffusion_pytorch_model.safetensors';
let dir: string;
let template: string;
let reference: TensorIndex;
let marker: string;
let caseCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffusers-'));
  template = join(dir, 'template');
  marker = join(dir, 'PICKLE-EXECUTED');
  await writeRandomCheckpoint(template, MICRO_CONFIG, { dtype: 'F16', seed: 5, layout: 'diffusers' });
  reference = await openCheckpoint(template);
});
afterAll(async () => {
  expect(existsSync(marker)).toBe(false);
  await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the template folder at `<dir>/<parent>/model-N`. */
async function freshCopy(parent = 'cases'): Promise<string> {
  const folder = join(dir, parent, `model-${caseCount++}`);
  await cp(template, folder, { recursive: true });
  return folder;
}

async function refusalOf(path: string): Promise<EngineError> {
  const err = await openCheckpoint(path).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

async function expectSameAsReference(index: TensorIndex): Promise<void> {
  expect([...index.tensors.keys()].sort()).toEqual([...reference.tensors.keys()].sort());
  for (const [name, entry] of reference.tensors) {
    const other = index.tensors.get(name)!;
    expect(other.shape).toEqual(entry.shape);
    expect(Buffer.from(await readTensorBytes(other)).equals(Buffer.from(await readTensorBytes(entry)))).toBe(true);
  }
}

async function editIndex(folder: string, edit: (weightMap: Record<string, string>) => void): Promise<void> {
  const path = join(folder, 'unet', 'diffusion_pytorch_model.safetensors.index.json');
  const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map: Record<string, string> };
  edit(index.weight_map);
  await writeFile(path, JSON.stringify(index));
}

/** Replace the UNet file by 2 shards + index. */
async function shardUnet(folder: string): Promise<Record<string, string>> {
  const unet = join(folder, 'unet');
  const map = await splitIntoShards(join(unet, UNET_FILE), unet, 'diffusion_pytorch_model', 2);
  await unlink(join(unet, UNET_FILE));
  return map;
}

describe('diffusers folder structure', () => {
  it('refuses a folder without model_index.json', async () => {
    const folder = await freshCopy();
    await unlink(join(folder, 'model_index.json'));
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-corrupt');
    expect(err.message).toMatch(/without model_index\.json/);
  });

  it('refuses a component outside the Stable Diffusion allowlist (custom pipeline)', async () => {
    const folder = await freshCopy();
    const index = JSON.parse(await readFile(join(folder, 'model_index.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(folder, 'model_index.json'), JSON.stringify({ ...index, my_module: ['my_pipeline', 'Evil'] }));
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-unsupported');
    expect(err.message).toMatch(/component "my_module"/);
  });

  it('refuses a model_index.json with a duplicate key', async () => {
    const folder = await freshCopy();
    await writeFile(join(folder, 'model_index.json'), '{"unet":["diffusers","UNet2DConditionModel"],"unet":["x","y"]}');
    expect((await refusalOf(folder)).message).toMatch(/duplicate key "unet"/);
  });

  it('opens a folder without a VAE, and detect names the missing part', async () => {
    const folder = await freshCopy();
    await rm(join(folder, 'vae'), { recursive: true });
    const index = await openCheckpoint(folder);
    expect(() => detectFamily(index)).toThrow(/has no VAE decoder/);
  });

  it('reads old diffusers VAE attention names (query/key/value/proj_attn)', async () => {
    const folder = await freshCopy();
    const vaeFile = join(folder, 'vae', UNET_FILE);
    const header = await readSafetensorsHeader(vaeFile);
    const legacy: Record<string, string> = { to_q: 'query', to_k: 'key', to_v: 'value', 'to_out.0': 'proj_attn', group_norm: 'group_norm' };
    const tensors = await Promise.all([...header.tensors.values()].map(async (t) => {
      const bytes = await readTensorBytes({ ...t, file: header.file });
      const name = t.name.replace(/attentions\.0\.(to_q|to_k|to_v|to_out\.0)\./, (_, p: string) => `attentions.0.${legacy[p]}.`);
      return { name, dtype: t.dtype as WeightDType, shape: t.shape, data: () => [bytes] };
    }));
    expect(tensors.some((t) => t.name.endsWith('proj_attn.weight'))).toBe(true);
    await writeSafetensors(vaeFile, tensors);
    await expectSameAsReference(await openCheckpoint(folder));
  });
});

describe('weight file selection (T-08 in folders)', () => {
  it('refuses a component that only has pickle .bin weights', async () => {
    const folder = await freshCopy();
    await unlink(join(folder, 'unet', UNET_FILE));
    await writeFile(join(folder, 'unet', 'diffusion_pytorch_model.bin'), canaryPickle(`touch ${marker}`));
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-pickle');
    expect(err.message).toMatch(/unet\/ folder has no \.safetensors weights/);
    expect(err.message).toMatch(/can run arbitrary code/);
  });

  it('reads only the .safetensors file when a .bin sits next to it', async () => {
    const folder = await freshCopy();
    await writeFile(join(folder, 'unet', 'diffusion_pytorch_model.bin'), canaryPickle(`touch ${marker}`));
    const index = await openCheckpoint(folder);
    const files = new Set([...index.tensors.values()].map((e) => e.file));
    expect([...files].every((f) => f.endsWith('.safetensors'))).toBe(true);
    await expectSameAsReference(index);
  });

  it('reads the fp16 variant when it is the only file, and prefers the plain file when both exist', async () => {
    const folder = await freshCopy();
    const unet = join(folder, 'unet');
    await rename(join(unet, UNET_FILE), join(unet, 'diffusion_pytorch_model.fp16.safetensors'));
    const variantOnly = await openCheckpoint(folder);
    expect(variantOnly.tensors.get('model.diffusion_model.out.2.weight')!.file).toMatch(/\.fp16\.safetensors$/);
    await expectSameAsReference(variantOnly);
    await cp(join(unet, 'diffusion_pytorch_model.fp16.safetensors'), join(unet, UNET_FILE));
    expect((await openCheckpoint(folder)).tensors.get('model.diffusion_model.out.2.weight')!.file).toMatch(/model\.safetensors$/);
  });

  it('reads a sharded component (plain and fp16-variant index names)', async () => {
    const folder = await freshCopy();
    const map = await shardUnet(folder);
    expect(new Set(Object.values(map)).size).toBe(2);
    await expectSameAsReference(await openCheckpoint(folder));
    const unet = join(folder, 'unet');
    await rename(join(unet, 'diffusion_pytorch_model.safetensors.index.json'), join(unet, 'diffusion_pytorch_model.safetensors.index.fp16.json'));
    await expectSameAsReference(await openCheckpoint(folder));
  });
});

describe('T-09 containment', () => {
  it.each([
    ['a ../ path', '../../outside.safetensors'],
    ['an absolute path', '/etc/passwd.safetensors'],
    ['a Windows ..\\ path', '..\\..\\outside.safetensors'],
    ['a subfolder path', 'sub/x.safetensors'],
    ['a non-safetensors file', 'diffusion_pytorch_model-00001-of-00002.bin'],
  ])('refuses a shard name with %s', async (_, shard) => {
    const folder = await freshCopy();
    await shardUnet(folder);
    await editIndex(folder, (map) => { map[Object.keys(map)[0]!] = shard; });
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-corrupt');
    expect(err.message).toMatch(/not a plain \.safetensors file name/);
  });

  it('refuses a weight file that is a symlink to a file outside the folder', async () => {
    const folder = await freshCopy();
    const outside = join(dir, 'secret.safetensors');
    await cp(join(folder, 'unet', UNET_FILE), outside);
    await unlink(join(folder, 'unet', UNET_FILE));
    await symlink(outside, join(folder, 'unet', UNET_FILE));
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-corrupt');
    expect(err.message).toMatch(/points outside the model folder/);
  });

  it('refuses a shard that is a symlink into another component folder', async () => {
    const folder = await freshCopy();
    const map = await shardUnet(folder);
    const shard = Object.values(map)[0]!;
    await rename(join(folder, 'unet', shard), join(folder, 'vae', shard));
    await symlink(join('..', 'vae', shard), join(folder, 'unet', shard));
    expect((await refusalOf(folder)).message).toMatch(/points outside the model folder/);
  });

  it('refuses a component folder that is a symlink out of the model folder', async () => {
    const folder = await freshCopy();
    const elsewhere = join(dir, 'elsewhere-unet');
    await rename(join(folder, 'unet'), elsewhere);
    await symlink(elsewhere, join(folder, 'unet'));
    expect((await refusalOf(folder)).message).toMatch(/points outside the model folder/);
  });

  it('accepts a Hugging Face cache snapshot whose files link into the repo blobs/, and nothing else', async () => {
    const repo = join(dir, 'hub', 'models--org--tiny');
    const snapshot = join(repo, 'snapshots', '0123abcd');
    await mkdir(join(repo, 'blobs'), { recursive: true });
    await cp(template, snapshot, { recursive: true });
    let blob = 0;
    for (const file of ['model_index.json', `unet/${UNET_FILE}`, 'text_encoder/model.safetensors', `vae/${UNET_FILE}`]) {
      const target = join(repo, 'blobs', `blob${blob++}`);
      await rename(join(snapshot, file), target);
      await symlink(target, join(snapshot, file));
    }
    await expectSameAsReference(await openCheckpoint(snapshot));
    // The same symlinks outside an HF cache layout are refused.
    const plain = join(dir, 'not-a-cache', 'snapshot');
    await cp(snapshot, plain, { recursive: true, verbatimSymlinks: true });
    expect((await refusalOf(plain)).message).toMatch(/points outside the model folder/);
  });

  it('refuses a missing shard', async () => {
    const folder = await freshCopy();
    const map = await shardUnet(folder);
    await unlink(join(folder, 'unet', Object.values(map)[1]!));
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-incomplete');
    expect(err.message).toMatch(/is missing/);
  });

  it('refuses a weight that appears in two shards', async () => {
    const folder = await freshCopy();
    const map = await shardUnet(folder);
    const [first, second] = [...new Set(Object.values(map))];
    const header = await readSafetensorsHeader(join(folder, 'unet', second!));
    const extra = [...header.tensors.values()][0]!;
    const firstHeader = await readSafetensorsHeader(join(folder, 'unet', first!));
    const tensors = await Promise.all([...firstHeader.tensors.values(), extra].map(async (t) => {
      const bytes = await readTensorBytes({ ...t, file: t === extra ? header.file : firstHeader.file });
      return { name: t.name, dtype: t.dtype as WeightDType, shape: t.shape, data: () => [bytes] };
    }));
    await writeSafetensors(join(folder, 'unet', first!), tensors);
    const err = await refusalOf(folder);
    expect(err.code).toBe('model-corrupt');
    expect(err.message).toMatch(/appears in two shards/);
  });

  it('refuses an index that puts a weight in the wrong shard or lists a weight no shard has', async () => {
    const folder = await freshCopy();
    const map = await shardUnet(folder);
    const [first, second] = [...new Set(Object.values(map))];
    const moved = Object.keys(map).find((k) => map[k] === first)!;
    await editIndex(folder, (m) => { m[moved] = second!; });
    expect((await refusalOf(folder)).message).toMatch(/contains .* but .* puts it in/);
    await editIndex(folder, (m) => { m[moved] = first!; m['ghost.weight'] = first!; });
    expect((await refusalOf(folder)).message).toMatch(/lists ghost\.weight in .* but that shard does not contain it/);
  });
});
