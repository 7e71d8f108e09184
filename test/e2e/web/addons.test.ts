// LoRAs, textual-inversion embeddings, VAEs and clip skip in the app (issue 11 item 6): the Models screen lists
// them on their own tabs with what each file says about itself (and a preview uploaded with it), refuses wrong files in one line, and imports a
// file dropped on an add-on tab; on Generate the LoRA picker (weights change the image), embedding chips, VAE
// and clip skip run on the demo model and the PNG carries A1111's `Lora hashes`, `TI hashes`, `VAE` and
// `Clip skip`; `<lora:name:w>` typed in the prompt works; dropping the PNG back restores the selection and
// names what the library no longer has; Settings' default clip skip and VAE are where Generate's fields start.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readTextChunks } from '../../../main/images/png-text';
import { writeDemoEmbedding, writeDemoLora, writeDemoVae, writeRawSafetensors } from '../../helpers/addon-files';
import { demoModelDir } from '../../helpers/paths';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { useWebSession } from './helpers/session';
import { newDataDir } from './helpers/web-app';

async function dropFile(page: Page, name: string, type: string, bytes: number[]): Promise<void> {
  await page.evaluate(({ name, type, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type }));
    for (const t of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, { name, type, bytes });
}

/** Generate with what the form holds and return the finished image's PNG bytes. */
async function generate(page: Page, prompt: string): Promise<number[]> {
  await page.getByRole('button', { name: 'Generate' }).click();
  const img = page.getByRole('img', { name: `Generated image: ${prompt}` });
  await img.waitFor({ timeout: 180_000 });
  const src = await img.getAttribute('src');
  return page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url!)).arrayBuffer())], src);
}

const sha = (bytes: number[]): string => createHash('sha256').update(Uint8Array.from(bytes)).digest('hex');
const parametersOf = (bytes: number[]): string => readTextChunks(Buffer.from(bytes)).get('parameters') ?? '';

describe.skipIf(!chromiumAvailable())('LoRAs, embeddings, VAEs and clip skip (web mode)', () => {
  const session = useWebSession();
  const files = newDataDir();
  const lora = join(files, 'glossy-shapes.safetensors');
  const secondLora = join(files, 'ink-lines.safetensors');
  const embedding = join(files, 'sparkle-emb.safetensors');
  const vae = join(files, 'demo-vae.safetensors');

  it('lists checkpoints, LoRAs, embeddings and VAEs on their own tabs with the files\' metadata, and refuses wrong files', async () => {
    writeDemoLora(lora, 1);
    writeDemoLora(secondLora, 50);
    writeDemoEmbedding(embedding);
    writeDemoVae(vae, join(demoModelDir, 'model.safetensors'));
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
    await expect(tab('Checkpoints').getAttribute('aria-selected')).resolves.toBe('true');
    await page.getByRole('list', { name: 'Models' }).getByRole('article', { name: /Demo/ }).waitFor();

    await tab('LoRAs').click();
    const preview = join(files, 'glossy-shapes.preview.png');
    await sharp({ create: { width: 240, height: 240, channels: 3, background: { r: 230, g: 40, b: 40 } } }).png().toFile(preview);
    // the preview image is picked first: it is sent after the file it belongs to
    await page.getByLabel('Add-on files to upload').setInputFiles([preview, lora, embedding, vae]);
    await page.getByRole('status').getByText(/Imported “glossy-shapes” \(LoRA\), “sparkle-emb” \(embedding\), “demo-vae” \(VAE\)/).waitFor({ timeout: 60_000 });
    const loraCard = page.getByRole('list', { name: 'LoRAs' }).getByRole('article', { name: 'glossy-shapes' });
    await expect(loraCard.getByText('sd_v1').isVisible()).resolves.toBe(true);
    await expect(loraCard.getByText('kohya · lora · rank 4').isVisible()).resolves.toBe(true);
    await expect(loraCard.getByText('UNet 2 · text encoder 1').isVisible()).resolves.toBe(true);
    await expect(loraCard.locator('.chips .tag').allTextContents()).resolves.toEqual(['glossy shapes', 'red circle', 'blue square']);
    await expect(loraCard.getByText('<lora:glossy-shapes:1>').isVisible()).resolves.toBe(true);
    const thumb = loraCard.getByRole('img', { name: 'Preview of glossy-shapes' });
    await expect(thumb.evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))).resolves.toEqual([160, 160]);
    await expect(tab('LoRAs').textContent()).resolves.toMatch(/LoRAs\s*1/);
    await screenshot(page, 'addons-loras');

    await tab('Embeddings').click();
    const embCard = page.getByRole('list', { name: 'Embeddings' }).getByRole('article', { name: 'sparkle-emb' });
    await expect(embCard.getByText('2 × 128', { exact: false }).isVisible()).resolves.toBe(true);
    await tab('VAEs').click();
    const vaeCard = page.getByRole('list', { name: 'VAEs' }).getByRole('article', { name: 'demo-vae' });
    await expect(vaeCard.getByText(/ldm keys · \d+ tensors/).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('list', { name: 'VAEs' }).getByRole('listitem').count()).resolves.toBe(1);

    // wrong files, one line each: a pickle, an SDXL embedding (another architecture), a checkpoint
    const pickle = join(files, 'old-lora.pt');
    writeFileSync(pickle, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
    const sdxl = join(files, 'xl-emb.safetensors');
    writeRawSafetensors(sdxl, [
      { name: 'clip_l', shape: [1, 768], data: new Float32Array(768) }, { name: 'clip_g', shape: [1, 1280], data: new Float32Array(1280) },
    ]);
    await page.getByLabel('Add-on files to upload').setInputFiles([pickle, sdxl, join(demoModelDir, 'model.safetensors')]);
    const error = page.getByTestId('addon-import-error');
    await error.waitFor({ timeout: 60_000 });
    const lines = ((await error.textContent()) ?? '').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/old-lora\.pt.*pickle/i);
    expect(lines[1]).toMatch(/SDXL textual-inversion embedding/);
    expect(lines[2]).toMatch(/model\.safetensors” is not a LoRA, textual-inversion embedding or VAE/);
    expect(lines.join('\n')).not.toContain(session.app.dataDir);
    await screenshot(page, 'addons-refused');

    // a file dropped on an add-on tab is an add-on (on the Checkpoints tab it would be a checkpoint)
    await tab('LoRAs').click();
    await dropFile(page, 'ink-lines.safetensors', '', [...readFileSync(secondLora)]);
    await page.getByRole('list', { name: 'LoRAs' }).getByRole('article', { name: 'ink-lines' }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('heading', { name: 'Models', level: 1 }).isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('runs the LoRA picker, an embedding chip, a VAE and clip skip on the demo model, writes them into the PNG and restores them from it', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = 'a red circle';
    await fillGenerateForm(page, { prompt, steps: 6, seed: 4242, preset: 'Baseline' });
    const plain = await generate(page, prompt);

    // LoRA at 1.5 with a separate text-encoder weight, the embedding chip, the VAE, clip skip 2
    await page.getByLabel('Add a LoRA').selectOption({ label: 'glossy-shapes' });
    const inUse = page.getByRole('list', { name: 'LoRAs in use' });
    await inUse.getByLabel('glossy-shapes weight value').fill('1.5');
    await inUse.getByLabel('glossy-shapes weight value').blur();
    await inUse.getByLabel('Separate text-encoder weight').check();
    await inUse.getByLabel('glossy-shapes text-encoder weight').fill('0.5');
    await page.getByRole('group', { name: 'Embeddings' }).getByRole('button', { name: 'sparkle-emb' }).click();
    await expect(page.getByLabel('Prompt', { exact: true }).inputValue()).resolves.toBe(`${prompt}, sparkle-emb`);
    await expect(page.getByRole('button', { name: 'sparkle-emb' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByLabel('VAE').selectOption({ label: 'demo-vae' });
    await page.getByLabel('Clip skip').selectOption('2');
    await screenshot(page, 'addons-generate-form');
    const withAddons = await generate(page, `${prompt}, sparkle-emb`);
    expect(sha(withAddons)).not.toBe(sha(plain)); // the LoRA (and embedding, clip skip) change the picture

    const text = parametersOf(withAddons);
    expect(text).toMatch(/Lora hashes: "glossy-shapes: [0-9a-f]{12}"/);
    expect(text).toMatch(/TI hashes: "sparkle-emb: [0-9a-f]{12}"/);
    expect(text).toMatch(/VAE hash: [0-9a-f]{10}, VAE: demo-vae\.safetensors/);
    expect(text).toContain('Clip skip: 2');
    // the job's report: what was applied, and the LoRA module that matches nothing in this model
    const applied = page.locator('dl[aria-label="Add-ons applied"]');
    await expect(applied.textContent()).resolves.toMatch(/glossy-shapes × UNet 1\.5 · text 0\.5 · 2 of 3 modules/);
    await expect(applied.textContent()).resolves.toMatch(/1 keys match nothing in this model \(e\.g\. lora_unet_not_a_block_anywhere/);
    await screenshot(page, 'addons-generated');

    // a LoRA from a prompt tag (A1111 syntax), found in the library by name
    const tagged = 'a red circle <lora:ink-lines:0.8>';
    await page.getByRole('button', { name: 'Remove glossy-shapes' }).click();
    await page.getByLabel('Prompt', { exact: true }).fill(tagged);
    const fromTag = parametersOf(await generate(page, tagged));
    expect(fromTag).toMatch(/Lora hashes: "ink-lines: [0-9a-f]{12}"/);
    expect(fromTag.split('\n')[0]).toBe(tagged); // the tag stays in the stored prompt, as A1111 writes it

    // read-back: reset the add-ons, drop the PNG, and the selection is back
    await page.getByLabel('VAE').selectOption({ label: 'The model’s own' });
    await page.getByLabel('Clip skip').selectOption('1');
    await dropFile(page, 'with-addons.png', 'image/png', withAddons);
    const toast = page.locator('.toasts .toast').last();
    await toast.getByText(/DaTo Studio parameters/).waitFor();
    await expect(inUse.getByLabel('glossy-shapes weight value').inputValue()).resolves.toBe('1.5');
    await expect(inUse.getByLabel('glossy-shapes text-encoder weight').inputValue()).resolves.toBe('0.5');
    await expect(page.getByLabel('VAE').locator('option:checked').textContent()).resolves.toBe('demo-vae');
    await expect(page.getByLabel('Clip skip').inputValue()).resolves.toBe('2');
    await expect(toast.textContent()).resolves.not.toContain('Not in your library');

    // once the VAE is removed from the library, reading the PNG says so
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('tab', { name: /^VAEs/ }).click();
    await page.getByRole('button', { name: 'Remove demo-vae' }).click();
    await page.getByText('No VAEs in the library yet.').waitFor();
    await dropFile(page, 'with-addons.png', 'image/png', withAddons);
    await page.locator('.toasts .toast').last().getByText(/Not in your library.*VAE “demo-vae”/).waitFor();
    await expect(page.getByLabel('VAE').inputValue()).resolves.toBe('');
    await screenshot(page, 'addons-read-back');

    // Settings' default clip skip and VAE: where Generate's fields start, also after a reload
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByLabel('Add-on files to upload').setInputFiles([vae]);
    await page.getByRole('list', { name: 'VAEs' }).getByRole('article', { name: 'demo-vae' }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Default clip skip').selectOption('3');
    await page.getByLabel('Default VAE').selectOption({ label: 'demo-vae' });
    await page.getByRole('link', { name: 'Generate' }).click();
    await expect(page.getByLabel('Clip skip').inputValue()).resolves.toBe('3');
    await expect(page.getByLabel('VAE').locator('option:checked').textContent()).resolves.toBe('demo-vae');
    await page.reload();
    await page.getByRole('link', { name: 'Generate' }).click();
    await page.waitForFunction(() => (document.querySelector('select[aria-label="Clip skip"]') as HTMLSelectElement | null)?.value === '3');
    await expect(page.getByLabel('VAE').locator('option:checked').textContent()).resolves.toBe('demo-vae');

    // a LoRA made for SD 2.x: the picker says so before generating (the engine would refuse it)
    const sd2Lora = join(files, 'sd2-style.safetensors');
    writeDemoLora(sd2Lora, 3, 0.6, 'sd_v2');
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('tab', { name: /^LoRAs/ }).click();
    await page.getByLabel('Add-on files to upload').setInputFiles([sd2Lora]);
    await page.getByRole('list', { name: 'LoRAs' }).getByRole('article', { name: 'sd2-style' }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Generate' }).click();
    await page.getByLabel('Add a LoRA').selectOption({ label: 'sd2-style' });
    await page.getByLabel('Add a LoRA').selectOption({ label: 'glossy-shapes' });
    await expect(inUse.getByRole('listitem', { name: 'sd2-style' }).getByRole('note').textContent())
      .resolves.toMatch(/^Made for SD 2\.x; Demo: coloured shapes is SD 1\.x\. Generating with it will be refused\.$/);
    await expect(inUse.getByRole('listitem', { name: 'glossy-shapes' }).getByRole('note').count()).resolves.toBe(0);
    await screenshot(page, 'addons-mismatch');
    // removed from the library while still in the form: the row says so
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('tab', { name: /^LoRAs/ }).click();
    await page.getByRole('button', { name: 'Remove sd2-style' }).click();
    await page.getByRole('list', { name: 'LoRAs' }).getByRole('article', { name: 'sd2-style' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Generate' }).click();
    await inUse.getByRole('note').getByText('No longer in the library: remove it to generate.').waitFor();
    expect(problems).toEqual([]);
  });
});
