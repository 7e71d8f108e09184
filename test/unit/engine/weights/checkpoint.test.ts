// openCheckpoint on single files: LDM keys as they are, extras dropped, and T-08 pickle refusal (by strict
// parse first; extension and magic bytes only pick the message). No code path ever unpickles: the canary
// payloads would create a marker file if anything executed them.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { openCheckpoint } from '../../../../main/engine/weights/checkpoint';
import { readTensorF32 } from '../../../../main/engine/weights/safetensors';
import { canaryPickle, rawSafetensors, zipArchive } from '../../../fixtures/weights-files';
import { repoRoot } from '../../../helpers/paths';

let dir: string;
let marker: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkpoint-'));
  marker = join(dir, 'PICKLE-EXECUTED');
});
afterAll(async () => {
  expect(existsSync(marker)).toBe(false);
  await rm(dir, { recursive: true, force: true });
});

async function refusalOf(path: string): Promise<EngineError> {
  const err = await openCheckpoint(path).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

const t = (dtype: string, shape: number[], begin: number, end: number): object => ({ dtype, shape, data_offsets: [begin, end] });

describe('single-file checkpoints', () => {
  it('refuses a path that does not exist', async () => {
    const err = await refusalOf(join(dir, 'missing.safetensors'));
    expect(err.code).toBe('model-not-found');
    expect(err.message).toContain('missing.safetensors');
  });

  it('keeps LDM keys, normalises legacy CLIP keys and drops EMA, DDPM buffers and position_ids', async () => {
    const path = join(dir, 'extras.safetensors');
    const values = new Float32Array([1, 2, 3, 4]);
    await writeFile(path, rawSafetensors({
      __metadata__: { format: 'pt' },
      'model.diffusion_model.out.2.bias': t('F32', [4], 0, 16),
      'cond_stage_model.transformer.encoder.layers.0.mlp.fc1.bias': t('F16', [2], 16, 20),
      'cond_stage_model.transformer.text_model.embeddings.position_ids': t('I64', [1, 2], 20, 36),
      'model_ema.decay': t('F32', [], 36, 40),
      'model_ema.diffusion_modelout2bias': t('F32', [1], 40, 44),
      betas: t('F32', [2], 44, 52),
      alphas_cumprod: t('F32', [2], 52, 60),
      'first_stage_model.decoder.conv_out.bias': t('BF16', [3], 60, 66),
      step_counter: t('I64', [], 66, 74),
    }, Buffer.concat([Buffer.from(values.buffer), Buffer.alloc(58)])));
    const index = await openCheckpoint(path);
    expect(index.source).toEqual({ kind: 'single-file', path: resolve(path) });
    expect(index.metadata).toEqual({ format: 'pt' });
    expect([...index.tensors.keys()].sort()).toEqual([
      'cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.bias',
      'first_stage_model.decoder.conv_out.bias',
      'model.diffusion_model.out.2.bias',
    ]);
    const out = index.tensors.get('model.diffusion_model.out.2.bias')!;
    expect(out).toMatchObject({ dtype: 'F32', shape: [4], byteLength: 16, file: await realpath(path) });
    expect(Array.from(await readTensorF32(out))).toEqual([1, 2, 3, 4]);
    expect(index.tensors.get('first_stage_model.decoder.conv_out.bias')!.dtype).toBe('BF16');
  });

  it('records the real path of a symlinked file', async () => {
    const target = join(dir, 'target.safetensors');
    await writeFile(target, rawSafetensors({ 'model.diffusion_model.out.2.bias': t('F16', [2], 0, 4) }, 4));
    const link = join(dir, 'link.safetensors');
    await symlink(target, link);
    const index = await openCheckpoint(link);
    expect(index.source.path).toBe(link);
    expect(index.tensors.get('model.diffusion_model.out.2.bias')!.file).toBe(await realpath(target));
  });

  it('refuses SD weights stored in a non-float dtype', async () => {
    const path = join(dir, 'int-weights.safetensors');
    await writeFile(path, rawSafetensors({ 'model.diffusion_model.out.2.weight': t('I8', [4], 0, 4) }, 4));
    const err = await refusalOf(path);
    expect(err.code).toBe('model-unsupported');
    expect(err.message).toMatch(/stores the weight model\.diffusion_model\.out\.2\.weight as I8/);
  });

  it('refuses a file with the same tensor under its legacy and current names', async () => {
    const path = join(dir, 'both-names.safetensors');
    await writeFile(path, rawSafetensors({
      'cond_stage_model.transformer.final_layer_norm.bias': t('F16', [2], 0, 4),
      'cond_stage_model.transformer.text_model.final_layer_norm.bias': t('F16', [2], 4, 8),
    }, 8));
    expect((await refusalOf(path)).code).toBe('model-corrupt');
  });

  it('reports a file truncated or deleted after it was opened instead of reading garbage', async () => {
    const path = join(dir, 'changing.safetensors');
    await writeFile(path, rawSafetensors({ 'model.diffusion_model.out.2.bias': t('F32', [256], 0, 1024) }, 1024));
    const entry = (await openCheckpoint(path)).tensors.get('model.diffusion_model.out.2.bias')!;
    await truncate(path, 600);
    const truncated = await readTensorF32(entry).catch((e: unknown) => e);
    expect((truncated as EngineError).code).toBe('model-corrupt');
    expect((truncated as EngineError).message).toMatch(/changed since it was opened/);
    await unlink(path);
    expect(((await readTensorF32(entry).catch((e: unknown) => e)) as EngineError).code).toBe('model-not-found');
  });
});

describe('T-08 pickle refusal', () => {
  const pickle = (): Buffer => canaryPickle(`touch ${marker}`);
  const torchZip = (): Buffer => zipArchive({ 'archive/data.pkl': pickle(), 'archive/byteorder': Buffer.from('little'), 'archive/data/0': Buffer.alloc(64) });

  it.each([
    ['a PyTorch zip .ckpt', 'model.ckpt', torchZip],
    ['a PyTorch zip renamed .safetensors', 'renamed-zip.safetensors', torchZip],
    ['a legacy raw pickle .pt', 'legacy.pt', pickle],
    ['a raw pickle renamed .safetensors', 'renamed-pickle.safetensors', pickle],
    ['a .pth file', 'weights.pth', pickle],
    ['a .bin file of any content', 'pytorch_model.bin', () => Buffer.from('not even a pickle')],
    ['a .pkl file', 'model.pkl', pickle],
    ['an upper-case .CKPT file', 'MODEL.CKPT', torchZip],
  ])('refuses %s with the pickle message', async (_, name, build) => {
    const path = join(dir, name);
    await writeFile(path, build());
    const err = await refusalOf(path);
    expect(err.code).toBe('model-pickle');
    expect(err.message).toContain(name);
    expect(err.message).toContain('Pickle checkpoints (.ckpt/.pt) can run arbitrary code when loaded, so DaTo Studio does not open them.');
    expect(err.message).toMatch(/Convert it to \.safetensors/);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a damaged .safetensors that is not a pickle as corrupt, not as pickle', async () => {
    const path = join(dir, 'damaged.safetensors');
    await writeFile(path, rawSafetensors({ w: t('F32', [4], 0, 16) }, 8));
    expect((await refusalOf(path)).code).toBe('model-corrupt');
  });

  it('opens a valid safetensors file whatever its extension (classification is by parse)', async () => {
    const path = join(dir, 'actually-safetensors.ckpt');
    await writeFile(path, rawSafetensors({ 'model.diffusion_model.out.2.bias': t('F16', [2], 0, 4) }, 4));
    expect((await openCheckpoint(path)).tensors.size).toBe(1);
  });

  it('has no code path that could unpickle or spawn a converter', () => {
    const weightsDir = join(repoRoot, 'main', 'engine', 'weights');
    const sources = readdirSync(weightsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      expect(readFileSync(join(weightsDir, file), 'utf8')).not.toMatch(/child_process|node:vm|worker_threads|python|eval\(/);
    }
  });
});
