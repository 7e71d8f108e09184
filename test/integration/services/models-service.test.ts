// The model library: the demo model is always there and says what it is; imports are validated by the
// engine's inspector (corrupt → model-corrupt, pickle → model-pickle, valid → listed with its architecture);
// removal never deletes the user's file but does delete an uploaded copy.
import { copyFileSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL_DESCRIPTION } from '../../../main/services/models-service';
import { canaryPickle, rawSafetensors, zipArchive } from '../../fixtures/weights-files';
import { demoModelDir, tinySd2RefDir } from '../../helpers/paths';
import { openTestStudio, type TestStudio } from './studio-fixture';

describe('models service', () => {
  let t: TestStudio;
  let files: string;
  beforeAll(async () => {
    t = await openTestStudio();
    files = mkdtempSync(join(tmpdir(), 'dato-models-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('always lists the demo model first, labelled, as the default', () => {
    const [demo] = t.studio.models.list();
    expect(demo).toMatchObject({ isDemo: true, kind: 'embedded', isDefault: true, description: DEMO_MODEL_DESCRIPTION });
    expect(demo!.description).toMatch(/coloured shapes.*import a real SD 1\.x checkpoint/);
    expect(demo!.architecture).toMatchObject({ family: 'sd1', nativeSize: 128 });
  });

  it('refuses a corrupt file with a clear message and does not list it', async () => {
    const path = join(files, 'broken.safetensors');
    writeFileSync(path, rawSafetensors('{"a": not json', 16));
    await expect(t.studio.models.importPath(path)).rejects.toMatchObject({ code: 'model-corrupt' });
    writeFileSync(path, Buffer.from('hello'));
    await expect(t.studio.models.importPath(path)).rejects.toMatchObject({ code: 'model-corrupt' });
    expect(t.studio.models.list()).toHaveLength(1);
  });

  it('refuses pickle checkpoints, whatever their name, and never unpickles them', async () => {
    const marker = join(files, 'pwned');
    const ckpt = join(files, 'model.ckpt');
    writeFileSync(ckpt, zipArchive({ 'archive/data.pkl': canaryPickle(`touch ${marker}`) }));
    const disguised = join(files, 'model.safetensors');
    writeFileSync(disguised, canaryPickle(`touch ${marker}`));
    for (const path of [ckpt, disguised]) {
      const err = await t.studio.models.importPath(path).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'model-pickle' });
      expect((err as Error).message).toMatch(/pickle/i);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a missing file as model-not-found', async () => {
    await expect(t.studio.models.importPath(join(files, 'nope.safetensors'))).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('imports a valid checkpoint, sets it as default, removes it without touching the file', async () => {
    const path = join(files, 'my-model.safetensors');
    copyFileSync(join(demoModelDir, 'model.safetensors'), path);
    const model = await t.studio.models.importPath(path);
    expect(model).toMatchObject({ name: 'my-model', kind: 'single-file', isDemo: false, managedCopy: false, fileName: 'my-model.safetensors' });
    expect(model.architecture!.unetParameters).toBeGreaterThan(0);
    const list = t.studio.models.setDefault(model.id);
    expect(list.find((m) => m.isDefault)!.id).toBe(model.id);
    expect(t.studio.generation.defaults(null).modelId).toBe(model.id);
    const after = await t.studio.models.remove(model.id);
    expect(after.map((m) => m.id)).not.toContain(model.id);
    expect(after.find((m) => m.isDefault)!.isDemo).toBe(true);
    expect(existsSync(path)).toBe(true);
    await expect(t.studio.models.remove(t.studio.models.demoId)).rejects.toMatchObject({ code: 'invalid-parameters' });
  });

  it('recognises the same file imported twice (by path or upload) by its content, not its name, and keeps no second copy', async () => {
    const first = join(files, 'twin-a.safetensors');
    copyFileSync(join(demoModelDir, 'model.safetensors'), first);
    const model = await t.studio.models.importPath(first);
    const second = join(files, 'twin-b.safetensors');
    copyFileSync(first, second);
    await expect(t.studio.models.importPath(second)).rejects.toMatchObject({
      code: 'invalid-request', message: '“twin-b.safetensors” is already in your library as “twin-a” (the same file); it was not imported again.',
    });
    await expect(t.studio.models.importUpload('again.safetensors', createReadStream(first))).rejects.toMatchObject({ message: /already in your library as “twin-a”/ });
    expect(existsSync(join(t.studio.paths.modelsDir, 'again.safetensors'))).toBe(false);
    expect(t.studio.models.list().filter((m) => !m.isDemo)).toHaveLength(1);
    // same size, different bytes: another model
    const other = join(files, 'twin-c.safetensors');
    const bytes = readFileSync(first);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(other, bytes);
    const third = await t.studio.models.importPath(other);
    expect(third.id).not.toBe(model.id);
    await t.studio.models.remove(third.id);
    await t.studio.models.remove(model.id);
  });

  it('takes a model\'s native size from the model file itself (a lone copy of the demo model is 128 px)', async () => {
    const lone = mkdtempSync(join(tmpdir(), 'dato-lone-'));
    try {
      const path = join(lone, 'shapes.safetensors'); // no config.json beside it
      copyFileSync(join(demoModelDir, 'model.safetensors'), path);
      const model = await t.studio.models.importPath(path);
      expect(model.architecture!.nativeSize).toBe(128);
      expect(t.studio.generation.defaults(model.id)).toMatchObject({ width: 128, height: 128 });
      await t.studio.models.remove(model.id);
    } finally {
      rmSync(lone, { recursive: true, force: true });
    }
  });

  it('lists an SD 2.x checkpoint as SD 2.x with its prediction and native size (the official tiny-sd2 reference)', async () => {
    const model = await t.studio.models.importPath(join(tinySd2RefDir, 'model.safetensors'));
    try {
      const config = JSON.parse(readFileSync(join(tinySd2RefDir, 'config.json'), 'utf8')) as { text: { width: number } };
      console.log(`tiny-sd2 architecture: ${JSON.stringify(model.architecture)}`);
      expect(model.architecture).toMatchObject({ family: 'sd2', contextDim: config.text.width });
      expect(['eps', 'v']).toContain(model.architecture!.prediction);
      expect(t.studio.generation.defaults(model.id)).toMatchObject({ width: model.architecture!.nativeSize, height: model.architecture!.nativeSize });
    } finally {
      await t.studio.models.remove(model.id);
    }
  });

  it('imports an upload into the models folder and deletes that copy on removal', async () => {
    const model = await t.studio.models.importUpload('../../etc/Uploaded Model.safetensors', createReadStream(join(demoModelDir, 'model.safetensors')));
    expect(model).toMatchObject({ managedCopy: true, fileName: 'Uploaded Model.safetensors' });
    const copy = join(t.studio.paths.modelsDir, 'Uploaded Model.safetensors');
    expect(existsSync(copy)).toBe(true);
    await t.studio.models.remove(model.id);
    expect(existsSync(copy)).toBe(false);
  });

  it('refuses uploads that are pickles or not safetensors, leaving nothing behind', async () => {
    const body = async function* () { yield Buffer.from('not a model'); };
    await expect(t.studio.models.importUpload('x.ckpt', body())).rejects.toMatchObject({ code: 'model-pickle' });
    await expect(t.studio.models.importUpload('x.zip', body())).rejects.toMatchObject({ code: 'model-unsupported' });
    await expect(t.studio.models.importUpload('x.safetensors', body())).rejects.toMatchObject({ code: 'model-corrupt' });
    await expect(t.studio.models.importUpload('big.safetensors', body(), 4)).rejects.toMatchObject({ code: 'invalid-request' });
    expect(existsSync(t.studio.paths.modelsDir) ? readdirSync(t.studio.paths.modelsDir) : []).toEqual([]);
  });
});
