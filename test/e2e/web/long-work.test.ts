// Feedback on long work (issue 8 item 8): a model upload shows the bytes sent and can be cancelled (the
// server keeps no partial file); the first load of a model names its stages (reading the header, building
// graphs, creating sessions) instead of a bare "Loading". The upload is slowed down with Chromium's network
// throttling so there is something to watch on a loopback connection.
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { useWebSession } from './helpers/session';
import { newDataDir } from './helpers/web-app';

/** Every text a selector showed while the page ran (a MutationObserver, so short-lived states are kept). */
async function recordTexts(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll(sel)) {
        const text = el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, selector);
}
const seenTexts = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { seen: string[] }).seen);

async function throttleUpload(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

describe.skipIf(!chromiumAvailable())('Feedback on long work (web mode)', () => {
  const session = useWebSession();
  const files = newDataDir();

  it('names the stages of a model\'s first load', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await recordTexts(page, '[data-testid="load-stage"]');
    await fillGenerateForm(page, { prompt: 'a large red circle on a blue background', steps: 4 });
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: /^Generated image: / }).waitFor({ timeout: 120_000 });
    const stages = await seenTexts(page);
    console.log('load stages seen:', stages);
    expect(stages.some((t) => t.startsWith('Reading the model header'))).toBe(true);
    expect(stages.some((t) => t.startsWith('Building the graph: UNet'))).toBe(true);
    expect(stages.some((t) => t.startsWith('Creating the session: text encoder'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('shows the bytes of an upload, cancels it without leftovers, and finishes one', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    await throttleUpload(page, 4 * 1024 * 1024);
    const big = join(files, 'big-checkpoint.safetensors');
    writeFileSync(big, Buffer.alloc(24 * 1024 * 1024, 7));
    await recordTexts(page, '.import-panel [role="status"], [data-testid="import-error"]');
    await page.getByLabel('Model file to upload').setInputFiles(big);
    const upload = page.getByRole('status', { name: 'Upload' });
    await page.waitForFunction(() => /Uploading big-checkpoint\.safetensors: [\d.]+ [KM]iB of 24\.0 MiB \(([1-9]\d?)%\)/.test(
      (document.querySelector('[aria-label="Upload"]')?.textContent ?? '').replace(/\s+/g, ' ')), undefined, { timeout: 30_000 })
      .catch(async (err: unknown) => { console.log('seen:', await seenTexts(page)); throw err; });
    await screenshot(page, 'long-work-upload-progress');
    await upload.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByText('Upload cancelled; nothing was imported.').waitFor();
    await expect(page.getByTestId('import-error').count()).resolves.toBe(0);
    const modelsDir = join(session.app.dataDir, 'models');
    await expect.poll(() => readdirSync(modelsDir).filter((f) => f.endsWith('.part')).length, { timeout: 10_000 }).toBe(0);
    await expect(page.getByRole('list', { name: 'Models' }).getByRole('listitem').count()).resolves.toBe(1);

    // A real checkpoint (the demo model under another name): bytes, then the check, then imported.
    await throttleUpload(page, 16 * 1024 * 1024);
    await recordTexts(page, '.import-panel [role="status"]');
    const copy = join(files, 'shapes-copy.safetensors');
    copyFileSync(join(REPO_ROOT, 'resources', 'models', 'demo-shapes-sd1', 'model.safetensors'), copy);
    await page.getByLabel('Model file to upload').setInputFiles(copy);
    await page.getByText('Imported “shapes-copy”.').waitFor({ timeout: 120_000 });
    const seen = await seenTexts(page);
    expect(seen.some((t) => /Uploading shapes-copy\.safetensors: [\d.]+ MiB of 41\.0 MiB/.test(t))).toBe(true);
    await expect(page.getByRole('list', { name: 'Models' }).getByRole('listitem').count()).resolves.toBe(2);
    await screenshot(page, 'long-work-upload-done');
    expect(problems).toEqual([]);
  });
});
