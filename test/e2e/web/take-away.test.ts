// Images you can take away (issue 8 item 11): a lightbox (click to zoom, arrows between images, Escape
// closes) in Generate, Compare and Gallery; Download in web mode; copy seed; gallery keyboard (arrows move
// the selection and the details panel, Escape closes it); multi-select with bulk favourite, export, delete.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, imagesSettled, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

const viewer = (page: Page) => page.getByRole('dialog', { name: 'Image viewer' });

async function expectDownload(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return download.suggestedFilename();
}

describe.skipIf(!chromiumAvailable())('Images you can take away (web mode)', () => {
  const session = useWebSession();

  it('zooms, downloads and copies seeds on Generate, Compare and Gallery, with gallery keys and bulk actions', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = 'a large yellow circle on a green background';
    await fillGenerateForm(page, { prompt, steps: 4, seed: 500, batchCount: 3 });
    await page.getByRole('button', { name: 'Generate' }).click();
    // the first image is done once it can be zoomed; the other two were queued behind it by then
    await page.getByRole('button', { name: 'Zoom image' }).waitFor({ timeout: 120_000 });
    await page.getByText('No pending jobs.').waitFor({ timeout: 120_000 });

    // Generate: the lightbox walks through this session's images.
    await page.getByRole('button', { name: 'Zoom image' }).click();
    await viewer(page).waitFor();
    await expect(viewer(page).getByText('1 / 3').isVisible()).resolves.toBe(true);
    await page.keyboard.press('ArrowRight');
    await viewer(page).getByText('2 / 3').waitFor();
    await page.keyboard.press('ArrowLeft');
    await viewer(page).getByText('1 / 3').waitFor();
    await imagesSettled(page);
    await screenshot(page, 'take-away-lightbox-generate');
    const name = await expectDownload(page, () => viewer(page).getByRole('button', { name: 'Download' }).click());
    expect(name).toMatch(/^dato-studio-\d+-seed50[0-2]\.png$/);
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });

    // Copy seed from the finished image's header.
    const copy = page.getByRole('button', { name: /^Copy seed \d+$/ });
    const seed = (await copy.getAttribute('aria-label'))!.replace('Copy seed ', '');
    await copy.click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(seed);

    // Compare: a result opens in the lightbox with its siblings.
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.getByLabel('Prompt', { exact: true }).fill(prompt);
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('4');
    await page.getByRole('button', { name: /^Run comparison/ }).click();
    const results = page.getByRole('region', { name: 'Comparison results' });
    await results.waitFor();
    const cards = await results.getByRole('article').count();
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Comparison results"] img[alt$="result"]').length === n, cards, { timeout: 120_000 });
    // each accelerated card's "fewer steps, same time" run finishes too: it joins the gallery counted below
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Comparison results"] [data-testid="equal-time-verdict"]').length === n,
      cards - 1, { timeout: 120_000 });
    await results.getByRole('button', { name: /^Zoom .* result$/ }).first().click();
    await viewer(page).getByText(`1 / ${cards}`).waitFor();
    await page.keyboard.press('ArrowRight');
    await viewer(page).getByText(`2 / ${cards}`).waitFor();
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });

    // Gallery: arrows move the selection and the open details; Escape closes them.
    await page.getByRole('link', { name: 'Gallery' }).click();
    const tiles = page.getByRole('list', { name: 'Images' }).getByRole('listitem');
    await tiles.first().waitFor();
    const total = await tiles.count();
    expect(total).toBeGreaterThanOrEqual(3 + cards);
    const tileButton = (i: number) => page.locator(`button[data-index="${i}"]`);
    await tileButton(0).click();
    const details = page.getByRole('complementary', { name: 'Image details' });
    await details.getByRole('button', { name: 'Zoom image' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('button[data-index="1"]')?.getAttribute('aria-pressed') === 'true');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-index'))).resolves.toBe('1');
    await screenshot(page, 'take-away-gallery-keys');

    // …and from the details, the lightbox; its arrows move the details along.
    await details.getByRole('button', { name: 'Zoom image' }).click();
    await viewer(page).getByText(`2 / ${total}`).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('button[data-index="2"]')?.getAttribute('aria-pressed') === 'true');
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    await details.waitFor();
    await tileButton(2).focus();
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    // Multi-select: Ctrl+click, Shift+click a range; bulk favourite, export, delete with undo.
    await tileButton(0).click({ modifiers: ['Control'] });
    await tileButton(2).click({ modifiers: ['Shift'] });
    const bulk = page.getByRole('toolbar', { name: 'Selected images' });
    await bulk.getByText('3 selected').waitFor();
    await bulk.getByRole('button', { name: 'Favourite' }).click();
    await bulk.getByRole('button', { name: 'Unfavourite' }).waitFor();
    await expect(page.locator('.tile .fav').count()).resolves.toBe(3);
    await screenshot(page, 'take-away-gallery-bulk');
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await bulk.getByRole('button', { name: 'Export' }).click();
    await page.waitForFunction(() => document.querySelector('.toasts')?.textContent?.includes('3 images sent to your downloads'));
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(3);
    await bulk.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('3 images deleted.').waitFor();
    await expect.poll(() => tiles.count(), { timeout: 30_000 }).toBe(total - 3); // the grid re-renders after the toast (slow on a loaded machine)
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => tiles.count(), { timeout: 30_000 }).toBe(total);
    await bulk.waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });
});
