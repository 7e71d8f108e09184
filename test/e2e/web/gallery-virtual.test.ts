// The gallery grid is virtualised: with 10 000 images only the rows in view are in the DOM, and scrolling
// to the end loads every page (gallery.list keyset pages) without the DOM growing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, imagesSettled, launchBrowser, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';
import { seedGallery } from './helpers/seed-library';
import { newDataDir, removeDataDirs, startWebApp, type WebApp } from './helpers/web-app';

const SEEDED = 10_000;

const domTiles = (page: Page): Promise<number> =>
  page.evaluate(() => document.querySelectorAll('[role="list"][aria-label="Images"] [role="listitem"]').length);

describe.skipIf(!chromiumAvailable())('Gallery virtualisation (10 000 images)', () => {
  let browser: Browser;
  let app: WebApp;
  let total = 0;

  beforeAll(async () => {
    const dataDir = newDataDir();
    [browser, app] = await Promise.all([launchBrowser(), startWebApp(dataDir)]);
    const { page, context } = await openApp(browser, app.url);
    await generateAndWait(page, { prompt: 'the template image', steps: 4 });
    await context.close();
    await app.stop();
    total = seedGallery(dataDir, SEEDED);
    app = await startWebApp(dataDir);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDirs();
  });

  it('keeps only visible tiles in the DOM while scrolling through every page', async () => {
    const { page, problems } = await openApp(browser, app.url);
    await page.getByRole('link', { name: 'Gallery' }).click();
    const list = page.getByRole('list', { name: 'Images' });
    await list.getByRole('listitem').first().waitFor();
    const firstScreen = await domTiles(page);
    expect(firstScreen).toBeGreaterThan(10);
    expect(firstScreen).toBeLessThan(150);
    await imagesSettled(page);
    await screenshot(page, 'gallery-virtual-top');

    const viewport = page.getByTestId('gallery-viewport');
    const started = Date.now();
    let maxInDom = firstScreen;
    for (;;) {
      await viewport.evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForTimeout(30);
      maxInDom = Math.max(maxInDom, await domTiles(page));
      const loaded = Number(await list.getAttribute('data-total'));
      const more = await page.getByText(/^\d+\+ images/).count();
      if (loaded === total && more === 0) break;
      if (Date.now() - started > 120_000) throw new Error(`only ${loaded} of ${total} loaded after 2 minutes`);
    }
    console.log(`scrolled through ${total} images in ${Date.now() - started} ms; at most ${maxInDom} tiles in the DOM`);
    expect(maxInDom).toBeLessThan(150);
    await page.getByText(`${total} images`, { exact: true }).waitFor();
    await viewport.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = list.getByRole('listitem').last();
    await page.waitForFunction((n) => document.querySelector('[role="list"][aria-label="Images"] [role="listitem"]:last-child')?.getAttribute('aria-posinset') === String(n), total);
    await expect(last.getAttribute('aria-setsize')).resolves.toBe(String(total));
    await expect(last.getByRole('button').getAttribute('aria-label')).resolves.toMatch(/number 9999 /);
    await imagesSettled(page);
    await screenshot(page, 'gallery-virtual-bottom');

    // A search over the whole library comes back from the database, not from what the grid has loaded.
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('purple triangle');
    await page.getByText(/^\d+\+? images match$/).waitFor();
    const shown = await list.getByRole('listitem').getByRole('button').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
    expect(shown.length).toBeGreaterThan(0);
    for (const label of shown) expect(label).toMatch(/^purple triangle number \d+ /);
    await expect(viewport.evaluate((el) => el.scrollTop)).resolves.toBe(0);
    await screenshot(page, 'gallery-virtual-search');
    expect(problems).toEqual([]);
  });
});
