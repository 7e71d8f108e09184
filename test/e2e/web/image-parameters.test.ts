// PNG in, parameters out (issue 8 item 7): dropping our own PNG, pasting an A1111 PNG, or dropping another
// tool's PNG on Generate loads what it says into the form (or says why nothing could be loaded); dropping a
// .safetensors file still imports a model; the drop overlay says which will happen before the drop.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { insertTextChunks } from '../../../main/images/png-text';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

async function pngWithText(keyword: string, text: string): Promise<number[]> {
  const plain = await sharp({ create: { width: 128, height: 128, channels: 3, background: { r: 20, g: 20, b: 20 } } }).png().toBuffer();
  return [...insertTextChunks(plain, [{ keyword, text }])];
}

/** A file dragged from outside the window: enter (the overlay shows), then optionally dropped. */
async function dragFile(page: Page, name: string, type: string, bytes: number[], drop: boolean): Promise<void> {
  await page.evaluate(({ name, type, bytes, drop }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type }));
    (window as unknown as { lastDrag: DataTransfer }).lastDrag = data;
    for (const t of drop ? ['dragenter', 'dragover', 'drop'] : ['dragenter', 'dragover']) {
      document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, { name, type, bytes, drop });
}

async function pasteFile(page: Page, name: string, bytes: number[]): Promise<void> {
  await page.evaluate(({ name, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
  }, { name, bytes });
}

describe.skipIf(!chromiumAvailable())('Image parameters on Generate (web mode)', () => {
  const session = useWebSession();

  it('loads our PNG, an A1111 PNG and refuses another tool\'s, and still imports a dropped model', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = page.getByLabel('Prompt', { exact: true });
    const steps = page.getByRole('spinbutton', { name: 'Steps', exact: true });
    const seed = page.getByLabel('Seed value');
    const toast = page.locator('.toasts .toast').last();

    // Our own PNG, as the gallery saved it (A1111 text + our chunk with the acceleration settings).
    const ours = 'a small white triangle on a red background';
    await generateAndWait(page, { prompt: ours, steps: 6, seed: 777, preset: 'DaTo' });
    const src = await page.getByRole('img', { name: `Generated image: ${ours}` }).getAttribute('src');
    const bytes = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url!)).arrayBuffer())], src);
    await prompt.fill('something else');
    await steps.fill('20');
    await page.getByRole('radio', { name: 'Baseline', exact: true }).check();
    await page.getByRole('radio', { name: 'Random' }).check();

    await dragFile(page, 'ours.png', 'image/png', bytes, false);
    const overlay = page.locator('.overlay');
    await expect(overlay.textContent()).resolves.toContain("Drop to load this image's parameters into Generate");
    await screenshot(page, 'image-parameters-overlay');
    await page.evaluate(() => {
      const data = (window as unknown as { lastDrag: DataTransfer }).lastDrag;
      document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await toast.getByText(/DaTo Studio parameters/).waitFor();
    await expect(prompt.inputValue()).resolves.toBe(ours);
    await expect(steps.inputValue()).resolves.toBe('6');
    await expect(seed.inputValue()).resolves.toBe('777');
    await expect(page.getByRole('radio', { name: 'DaTo', exact: true }).isChecked()).resolves.toBe(true);

    // An A1111 PNG, pasted.
    const a1111 = await pngWithText('parameters', 'a small green square on a black background\nNegative prompt: blurry\n'
      + 'Steps: 12, Sampler: Euler a, Schedule type: Automatic, CFG scale: 6.5, Seed: 4242, Size: 128x128, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly');
    await pasteFile(page, 'a1111.png', a1111);
    await toast.getByText(/A1111-format parameters/).waitFor();
    await expect(prompt.inputValue()).resolves.toBe('a small green square on a black background');
    await expect(page.getByLabel('Negative prompt').inputValue()).resolves.toBe('blurry');
    await expect(steps.inputValue()).resolves.toBe('12');
    await expect(page.getByRole('spinbutton', { name: 'CFG' }).inputValue()).resolves.toBe('6.5');
    await expect(page.getByLabel('Sampler').inputValue()).resolves.toBe('euler_a');
    await expect(seed.inputValue()).resolves.toBe('4242');
    await expect(toast.textContent()).resolves.toContain('"v1-5-pruned-emaonly" is not in your library');
    await screenshot(page, 'image-parameters-a1111');

    // Another tool's PNG (a ComfyUI workflow): nothing is loaded, and the message says why.
    const comfy = await pngWithText('prompt', '{"3":{"class_type":"KSampler","inputs":{"seed":1}}}');
    await dragFile(page, 'comfy.png', 'image/png', comfy, true);
    await page.locator('.toasts .toast.error').getByText(/ComfyUI metadata/).waitFor();
    await expect(prompt.inputValue()).resolves.toBe('a small green square on a black background');

    // A .safetensors file is still a model import.
    await dragFile(page, 'not-a-model.safetensors', '', [1, 2, 3, 4], false);
    await expect(overlay.textContent()).resolves.toContain('Drop to import a model');
    await page.evaluate(() => {
      const data = (window as unknown as { lastDrag: DataTransfer }).lastDrag;
      document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    await page.getByTestId('import-error').waitFor({ timeout: 60_000 });
    expect(problems).toEqual([]);
  });
});
