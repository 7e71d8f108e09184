// The add-ons service on a real studio (issue 11): files checked by the real bounded inspector (kind,
// metadata, A1111 hash, `NAME.preview.png`), refusals, folder import, `<lora:name:w>` tags resolved against the
// library, and a generation with a LoRA, an embedding, a VAE and clip skip whose gallery detail and "reuse
// parameters" carry them (and whose fidelity is measured only against a baseline with the same add-ons).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextChunks } from '../../../main/images/png-text';
import { writeDemoEmbedding, writeDemoLora, writeDemoVae } from '../../helpers/addon-files';
import { demoModelDir } from '../../helpers/paths';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

let t: TestStudio;
let files: string;
beforeAll(async () => {
  t = await openTestStudio();
  files = join(t.dir, 'user-files');
  mkdirSync(join(files, 'folder', 'sub'), { recursive: true });
  writeDemoLora(join(files, 'glossy.safetensors'), 1);
  await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toFile(join(files, 'glossy.preview.png'));
  writeDemoEmbedding(join(files, 'folder', 'sparkle.safetensors'));
  writeDemoVae(join(files, 'folder', 'sub', 'demo-vae.safetensors'), join(demoModelDir, 'model.safetensors'));
  writeFileSync(join(files, 'folder', 'notes.safetensors'), 'not a safetensors file');
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('AddonsService', () => {
  it('imports a LoRA with its metadata, hash and preview; refuses a copy, a checkpoint and a pickle', async () => {
    const lora = await t.studio.addons.importPath(join(files, 'glossy.safetensors'));
    expect(lora).toMatchObject({
      kind: 'lora', name: 'glossy', fileName: 'glossy.safetensors', managedCopy: false,
      info: { kind: 'lora', layout: 'kohya', baseModel: 'sd_v1', rank: 4, triggerWords: ['glossy shapes', 'red circle', 'blue square'] },
    });
    expect(lora.hash).toMatch(/^[0-9a-f]{12}$/);
    const preview = Buffer.from(lora.preview!.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'png', width: 160, height: 107 });

    copyFileSync(join(files, 'glossy.safetensors'), join(files, 'glossy-copy.safetensors'));
    await expect(t.studio.addons.importPath(join(files, 'glossy-copy.safetensors'))).rejects.toThrow(/already in your library as “glossy”/);
    await expect(t.studio.addons.importPath(join(demoModelDir, 'model.safetensors'))).rejects.toThrow(/not a LoRA, textual-inversion embedding or VAE/);
    writeFileSync(join(files, 'old.ckpt'), Buffer.from([0x80, 0x02, 0x2e]));
    await expect(t.studio.addons.importPath(join(files, 'old.ckpt'))).rejects.toThrow(/pickle/i);
  });

  it('imports every add-on of a folder and its subfolders, skipping files that are not add-ons', async () => {
    const imported = await t.studio.addons.importFolder(join(files, 'folder'));
    expect(imported.map((a) => [a.kind, a.name]).sort()).toEqual([['embedding', 'sparkle'], ['vae', 'demo-vae']]);
    expect(t.studio.addons.list().map((a) => a.name)).toEqual(['sparkle', 'glossy', 'demo-vae']);
  });

  it('resolves <lora:name:w> tags against the library and finds embeddings by trigger', () => {
    const glossy = t.studio.addons.list().find((a) => a.name === 'glossy')!;
    const r = t.studio.addons.forGeneration({ prompt: 'a circle <lora:glossy:0.5:0.25>, sparkle', negativePrompt: '', loras: [{ addonId: glossy.id, unet: 1, text: 1 }], clipSkip: 1 });
    expect(r).toEqual({
      prompt: 'a circle , sparkle', loras: [{ path: join(files, 'glossy.safetensors'), unet: 0.25, text: 0.5 }],
      embeddings: [join(files, 'folder', 'sparkle.safetensors')],
    });
    expect(() => t.studio.addons.forGeneration({ prompt: '<lora:missing:1>', negativePrompt: '' })).toThrow(/no LoRA named “missing”/);
  });

  it('generates with a LoRA, an embedding, a VAE and clip skip; the detail and "reuse parameters" carry them', async () => {
    const library = t.studio.addons.list();
    const glossy = library.find((a) => a.name === 'glossy')!;
    const vae = library.find((a) => a.kind === 'vae')!;
    const [job] = t.studio.generation.enqueue(quickParams({ prompt: 'a red circle, sparkle', loras: [{ addonId: glossy.id, unet: 0.7, text: 0.3 }], vaeId: vae.id, clipSkip: 2 }));
    const done = await settled(t.studio, job!.id);
    expect(done.error).toBeNull();
    expect(done.result!.addons).toMatchObject({
      loras: [{ name: 'glossy', hash: glossy.hash, unet: 0.7, text: 0.3, applied: 2, modules: 3, unmatched: 1 }],
      embeddings: [{ name: 'sparkle' }], vae: { name: 'demo-vae.safetensors', hash: vae.hash }, clipSkip: 2,
    });
    const id = done.result!.generationId;
    const detail = t.studio.gallery.get(id);
    expect(detail.addons).toEqual(done.result!.addons);
    expect(detail.parametersText).toContain(`Clip skip: 2, VAE hash: ${vae.hash}, VAE: demo-vae.safetensors, Lora hashes: "glossy: ${glossy.hash}"`);
    const png = readTextChunks(readFileSync(t.studio.gallery.filePath(id, 'full')!));
    expect(png.get('parameters')).toBe(detail.parametersText);
    expect(t.studio.gallery.reuseParameters(id)).toMatchObject({ loras: [{ addonId: glossy.id, unet: 0.7, text: 0.3 }], vaeId: vae.id, clipSkip: 2 });

    // fidelity pairs a run only with a same-seed baseline that had the same add-ons
    const withSame = quickParams({ prompt: 'a red circle, sparkle', loras: [{ addonId: glossy.id, unet: 0.7, text: 0.3 }], vaeId: vae.id, clipSkip: 2, accel: { mode: 'dato' } });
    const paired = await settled(t.studio, t.studio.generation.enqueue(withSame)[0]!.id);
    expect(paired.result!.fidelity?.baselineGenerationId).toBe(id);
    const plain = await settled(t.studio, t.studio.generation.enqueue(quickParams({ prompt: 'a red circle, sparkle', accel: { mode: 'dato' } }))[0]!.id);
    expect(plain.result!.addons).toMatchObject({ loras: [], vae: null, clipSkip: 1 }); // only the embedding of the prompt
    expect(plain.result!.fidelity).toBeNull();

    // unknown ids are refused when queued
    expect(() => t.studio.generation.enqueue(quickParams({ vaeId: glossy.id }))).toThrow(/is not a VAE/);
    expect(() => t.studio.generation.enqueue(quickParams({ loras: [{ addonId: 999, unet: 1, text: 1 }] }))).toThrow(/does not exist/);
  }, 180_000);
});
