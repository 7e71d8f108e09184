// Generate: the preview appears while sampling, then the image with its stage timings and speed-up;
// a long job can be cancelled; the image survives a restart of the app and is found in the gallery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, launchBrowser, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { newDataDir, removeDataDirs, startWebApp, type WebApp } from './helpers/web-app';

describe.skipIf(!chromiumAvailable())('Generate (web mode, demo model)', () => {
  let browser: Browser;
  let app: WebApp;
  const dataDir = newDataDir();

  beforeAll(async () => {
    [browser, app] = await Promise.all([launchBrowser(), startWebApp(dataDir)]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDirs();
  });

  it('shows a live preview while sampling, then the image with timings and speed-up', async () => {
    const { page, problems } = await openApp(browser, app.url);
    await fillGenerateForm(page, { prompt: 'a red circle on a blue background', steps: 40, seed: 1234, preset: 'DaTo' });
    // the preset's cost is shown before anything runs: DaTo's searched schedule stretched to 40 steps
    const cost = page.getByTestId('plan-cost');
    await cost.getByText(/^40 evaluations: 6 full · \d+ shallow · \d+ skip · ≈\d+% of the baseline's compute/).waitFor();
    await page.getByRole('radio', { name: 'Baseline' }).check();
    await cost.getByText(/^40 evaluations: 40 full · 0 shallow · 0 skip · ≈100%/).waitFor();
    await page.getByRole('radio', { name: 'DaTo', exact: true }).check();
    await cost.getByText(/^40 evaluations: 6 full/).waitFor();
    await screenshot(page, 'generate-form');
    await page.keyboard.press('Control+Enter');

    const preview = page.getByRole('img', { name: /^Live preview, step \d+ of \d+$/ });
    await preview.waitFor({ timeout: 60_000 });
    const total = /of (\d+)$/.exec((await preview.getAttribute('alt'))!)![1];
    await expect(page.getByRole('progressbar', { name: 'Sampling progress' }).getAttribute('aria-valuemax')).resolves.toBe(total);
    await expect(page.getByText(/\d+(\.\d+)? it\/s/).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(/ETA \d/).first().isVisible()).resolves.toBe(true);
    const src = await preview.getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    await screenshot(page, 'generate-preview');

    const image = page.getByRole('img', { name: 'Generated image: a red circle on a blue background' });
    await image.waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[alt^="Generated image"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const timings = page.getByRole('region', { name: 'Timings' });
    for (const stage of ['Load', 'Text encode', 'UNet loop', 'Decode', 'Total']) {
      await expect(timings.getByRole('rowheader', { name: stage, exact: true }).isVisible()).resolves.toBe(true);
    }
    const speedup = await page.getByTestId('speedup').textContent();
    expect(speedup).toMatch(/^\d+\.\d{2}×$/);
    await expect(timings.getByText(/measured against a baseline run|estimated/).isVisible()).resolves.toBe(true);
    await screenshot(page, 'generate-result');
    expect(problems).toEqual([]);
  });

  it('cancels a running job', async () => {
    const { page, problems } = await openApp(browser, app.url);
    await fillGenerateForm(page, { prompt: 'a long job to cancel', steps: 150 });
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: /^Live preview, step \d+ of \d+$/ }).waitFor({ timeout: 60_000 });
    const pending = page.getByRole('list', { name: 'Pending jobs' });
    await expect(pending.getByRole('listitem').count()).resolves.toBe(1);
    await screenshot(page, 'cancel-running');
    await pending.getByRole('button', { name: /^Cancel job: a long job to cancel/ }).click();
    await page.getByText(/^Cancelled at step \d+ of \d+\.$/).waitFor({ timeout: 30_000 });
    await expect(page.getByText('No pending jobs.').isVisible()).resolves.toBe(true);
    await screenshot(page, 'cancel-done');
    expect(problems).toEqual([]);
  });

  it('finds the image in the gallery after the app restarts', async () => {
    await app.stop();
    app = await startWebApp(dataDir);
    const { page, problems } = await openApp(browser, app.url);
    await page.getByRole('link', { name: 'Gallery' }).click();
    const tiles = page.getByRole('list', { name: 'Images' }).getByRole('listitem');
    await tiles.first().waitFor();
    await expect(tiles.count()).resolves.toBe(1);
    await tiles.first().getByRole('button').click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await expect(detail.getByTestId('detail-prompt').textContent()).resolves.toBe('a red circle on a blue background');
    await expect(detail.getByText('1234', { exact: true }).isVisible()).resolves.toBe(true);
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0));
    await screenshot(page, 'gallery-after-restart');
    expect(problems).toEqual([]);
  });
});
