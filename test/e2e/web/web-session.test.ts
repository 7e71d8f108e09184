// Web mode as a careful user checks it: image and thumbnail addresses carry no key ("copy image address" leaks
// nothing; the images load with an HttpOnly cookie that scripts cannot read), a value the contract refuses is
// explained next to its field in plain words, and sizes are printed in the units they are computed in.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

describe.skipIf(!chromiumAvailable())('Web mode session and messages', () => {
  const session = useWebSession();

  it('serves images and thumbnails at addresses without the session key', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await expect(page.evaluate(() => location.href)).resolves.not.toContain('token');
    await generateAndWait(page, { prompt: 'a small red circle', steps: 4, seed: 5 });
    const image = page.getByRole('img', { name: 'Generated image: a small red circle' });
    const src = (await image.getAttribute('src'))!;
    expect(src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\/\d+\/full$/);
    expect(src).not.toContain(session.app.token);
    await expect(image.evaluate((img: HTMLImageElement) => img.naturalWidth)).resolves.toBe(128);
    // the cookie that lets the page load it is invisible to scripts, and the bare address alone is refused
    await expect(page.evaluate(() => document.cookie)).resolves.not.toMatch(/dato-session/);
    await expect(page.evaluate(async (url) => (await fetch(url, { credentials: 'omit', cache: 'no-store' })).status, src)).resolves.toBe(401);
    await expect(page.evaluate(async (url) => (await fetch(url, { cache: 'no-store' })).status, src)).resolves.toBe(200);

    await page.getByRole('link', { name: 'Gallery' }).click();
    const thumb = page.locator('img[src*="/thumb"]').first();
    await thumb.waitFor();
    const thumbSrc = (await thumb.getAttribute('src'))!;
    expect(thumbSrc).toMatch(/\/images\/\d+\/thumb$/);
    expect(await page.content()).not.toContain(session.app.token);
    await screenshot(page, 'web-session-gallery');
    // the only console error is Chromium reporting the 401 this test asked for
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });

  it('explains a refused value next to its field, never with the contract path', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Generate' }).click();
    const steps = page.getByRole('spinbutton', { name: 'Steps', exact: true });
    await steps.fill('200');
    const message = page.getByText('Steps must be between 1 and 150.', { exact: true });
    await message.waitFor();
    await expect(steps.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(message.evaluate((el, input) => el.parentElement!.contains(input), await steps.elementHandle())).resolves.toBe(true);
    await steps.fill('');
    await page.getByText('Steps must be a number.', { exact: true }).waitFor();
    await page.waitForTimeout(500); // the cost preview asks the server after 150 ms
    await expect(page.getByText(/Invalid request|generation\.planCost|planCost\.steps/).count()).resolves.toBe(0);
    await screenshot(page, 'web-session-field-error');
    await steps.fill('20');
    await expect(page.getByText(/^Steps must/).count()).resolves.toBe(0);
    await page.getByTestId('plan-cost').getByText(/^20 evaluations/).waitFor();
    expect(problems).toEqual([]);
  });

  it('prints model sizes in binary units named as such', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Models' }).click();
    const demo = page.getByRole('list', { name: 'Models' }).getByRole('listitem').first();
    // the demo checkpoint is 42 999 542 bytes = 41.0 MiB (43.0 MB)
    await expect(demo.getByText('41.0 MiB', { exact: true }).isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
