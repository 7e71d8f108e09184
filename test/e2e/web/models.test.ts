// Models: the demo model is listed and labelled; importing a corrupt .safetensors file or a pickle
// checkpoint (through the web-mode upload, and by dropping it on the window) fails with a clear message.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, screenshot } from './helpers/artifacts';
import { useWebSession } from './helpers/session';
import { chromiumAvailable, openApp } from './helpers/browser';
import { newDataDir } from './helpers/web-app';

/** Dispatches a file drop on the window, as the OS does when a file is dragged onto it. */
async function dropFile(page: Page, name: string, bytes: number[]): Promise<void> {
  await page.evaluate(({ name, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, { name, bytes });
}

describe.skipIf(!chromiumAvailable())('Models (web mode)', () => {
  const session = useWebSession();
  const files = newDataDir();

  it('lists the demo model, labelled, as the default', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const models = page.getByRole('list', { name: 'Models' }).getByRole('listitem');
    await expect(models.count()).resolves.toBe(1);
    const demo = models.first();
    await expect(demo.getByText('Demo', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(demo.getByText('Default', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(demo.getByText(/coloured shapes/).first().isVisible()).resolves.toBe(true);
    await expect(demo.getByText(/import a Stable Diffusion 1\.x checkpoint/i).isVisible()).resolves.toBe(true);
    await expect(demo.getByRole('button', { name: /Remove/ }).count()).resolves.toBe(0);
    await screenshot(page, 'models-list');
    expect(problems).toEqual([]);
  });

  it('refuses a corrupt .safetensors file with a clear message', async () => {
    const { page } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const corrupt = join(files, 'broken-model.safetensors');
    // A header length far beyond the file: what a truncated download looks like.
    const header = Buffer.alloc(8);
    header.writeBigUInt64LE(1_000_000n);
    writeFileSync(corrupt, Buffer.concat([header, Buffer.from('{"not":"complete')]));
    await page.getByLabel('Model file to upload').setInputFiles(corrupt);
    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: 60_000 });
    const message = (await error.textContent()) ?? '';
    expect(message).toMatch(/"broken-model\.safetensors" is not a valid safetensors file/);
    expect(message).not.toContain(session.app.dataDir); // the server's folders stay private to the server
    await expect(page.getByRole('list', { name: 'Models' }).getByRole('listitem').count()).resolves.toBe(1);
    await screenshot(page, 'models-corrupt-error');
  });

  it('refuses a pickle checkpoint (.ckpt), also when dropped on the window', async () => {
    const { page } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const pickle = join(files, 'sd-v1-5.ckpt');
    writeFileSync(pickle, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
    await page.getByLabel('Model file to upload').setInputFiles(pickle);
    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/pickle/i);
    await screenshot(page, 'models-pickle-refused');

    // Drag-and-drop from the Generate screen: the app switches to Models and shows the same refusal.
    await page.getByRole('link', { name: 'Generate' }).click();
    await dropFile(page, 'other.ckpt', [0x80, 0x02, 0x2e]);
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    await page.waitForFunction(() => /other\.ckpt/.test(document.querySelector('[data-testid="import-error"]')?.textContent ?? ''));
    expect(await error.textContent()).toMatch(/pickle/i);
  });

  it('imports a valid checkpoint, shows its architecture, makes it the default and removes it', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    // The demo model's weights are a real single-file SD1-layout checkpoint: upload a copy of them.
    const checkpoint = join(files, 'my-shapes.safetensors');
    copyFileSync(join(REPO_ROOT, 'resources', 'models', 'demo-shapes-sd1', 'model.safetensors'), checkpoint);
    await page.getByLabel('Model file to upload').setInputFiles(checkpoint);
    await page.getByText(/^Imported “/).waitFor({ timeout: 60_000 });
    const list = page.getByRole('list', { name: 'Models' });
    await expect(list.getByRole('listitem').count()).resolves.toBe(2);
    const imported = list.getByRole('article', { name: /^my-shapes/ });
    await expect(imported.getByText(/^SD 1\.x · \d+ px native$/).isVisible()).resolves.toBe(true);
    await expect(imported.getByText('Single-file .safetensors').isVisible()).resolves.toBe(true);

    await imported.getByRole('button', { name: 'Set as default' }).click();
    await imported.getByText('Default', { exact: true }).waitFor();
    await screenshot(page, 'models-imported');
    await page.getByRole('link', { name: 'Generate' }).click();
    await expect(page.getByLabel('Model').locator('option').first().textContent()).resolves.toMatch(/^Default \(my-shapes/);

    await page.getByRole('link', { name: 'Models' }).click();
    await imported.getByRole('button', { name: 'Remove…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[role="list"][aria-label="Models"] > [role="listitem"]').length === 1);
    await expect(list.getByRole('article').first().getByText('Default', { exact: true }).isVisible()).resolves.toBe(true);

    expect(problems).toEqual([]);
  });
});
