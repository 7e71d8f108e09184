// Gallery: search, favourites (and the favourites filter), delete with undo, then delete for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, launchBrowser, openApp, type OpenedApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { removeDataDirs, startWebApp, type WebApp } from './helpers/web-app';

const PROMPTS = ['a red circle', 'a green square', 'a blue triangle'];

const tiles = (page: Page) => page.getByRole('list', { name: 'Images' }).getByRole('listitem');
const tile = (page: Page, prompt: string) => page.getByRole('button', { name: new RegExp(`^${prompt} · `) });

async function expectTileCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('[role="list"][aria-label="Images"] [role="listitem"]').length === count, n);
  await expect(tiles(page).count()).resolves.toBe(n);
}

describe.skipIf(!chromiumAvailable())('Gallery (web mode)', () => {
  let browser: Browser;
  let app: WebApp;
  let opened: OpenedApp;

  beforeAll(async () => {
    [browser, app] = await Promise.all([launchBrowser(), startWebApp()]);
    opened = await openApp(browser, app.url);
    for (const prompt of PROMPTS) {
      await fillGenerateForm(opened.page, { prompt, steps: 6 });
      await opened.page.getByRole('button', { name: 'Generate' }).click();
    }
    await opened.page.getByRole('link', { name: 'Gallery' }).click();
    await expectTileCount(opened.page, 3);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDirs();
  });

  it('searches prompts (debounced) and clears the search', async () => {
    const { page } = opened;
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('square');
    await expectTileCount(page, 1);
    await expect(tile(page, 'a green square').isVisible()).resolves.toBe(true);
    await screenshot(page, 'gallery-search');
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('nothing-matches-this');
    await page.getByText('No images match.').waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await expectTileCount(page, 3);
  });

  it('marks a favourite and filters by favourites', async () => {
    const { page } = opened;
    await tile(page, 'a blue triangle').click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await expect(detail.getByTestId('detail-prompt').textContent()).resolves.toBe('a blue triangle');
    const favourite = detail.getByRole('button', { name: 'Favourite' });
    await favourite.click();
    await page.waitForFunction(() => document.querySelector('[aria-label="Favourite"]')?.getAttribute('aria-pressed') === 'true');
    await page.getByRole('checkbox', { name: 'Favourites only' }).check();
    await expectTileCount(page, 1);
    await expect(tile(page, 'a blue triangle').isVisible()).resolves.toBe(true);
    await screenshot(page, 'gallery-favourites');
    await page.getByRole('checkbox', { name: 'Favourites only' }).uncheck();
    await expectTileCount(page, 3);
  });

  it('copies the prompt and reuses the parameters in the Generate form', async () => {
    const { page } = opened;
    await tile(page, 'a green square').click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await detail.getByRole('button', { name: 'Copy prompt' }).click();
    await page.getByText('Prompt copied.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe('a green square');
    await expect(detail.getByRole('button', { name: 'Open folder' }).isDisabled()).resolves.toBe(true);
    const seed = await detail.locator('dd.mono').first().textContent();
    await screenshot(page, 'gallery-detail');
    await detail.getByRole('button', { name: 'Reuse parameters' }).click();
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor({ state: 'attached' });
    await expect(page.getByLabel('Prompt', { exact: true }).inputValue()).resolves.toBe('a green square');
    await expect(page.getByRole('radio', { name: 'Fixed' }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Seed value').inputValue()).resolves.toBe(seed);
    await expect(page.getByRole('spinbutton', { name: 'Steps', exact: true }).inputValue()).resolves.toBe('6');
    await page.getByRole('link', { name: 'Gallery' }).click();
    await expectTileCount(page, 3);
  });

  it('deletes with undo, deletes again, and deletes permanently after a confirmation', async () => {
    const { page } = opened;
    await tile(page, 'a red circle').click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await detail.getByRole('button', { name: 'Delete', exact: true }).click();
    await expectTileCount(page, 2);
    await page.getByText('Image deleted.').waitFor();
    await screenshot(page, 'gallery-deleted-undo-toast');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expectTileCount(page, 3);
    await expect(tile(page, 'a red circle').isVisible()).resolves.toBe(true);

    await tile(page, 'a red circle').click();
    await detail.getByRole('button', { name: 'Delete', exact: true }).click();
    await expectTileCount(page, 2);

    await tile(page, 'a green square').click();
    await detail.getByRole('button', { name: 'Delete permanently…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete permanently?' });
    await dialog.waitFor();
    await screenshot(page, 'gallery-confirm-permanent');
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await expectTileCount(page, 1);

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expectTileCount(page, 1);
    await expect(tile(page, 'a blue triangle').isVisible()).resolves.toBe(true);
    expect(opened.problems).toEqual([]);
  });
});
