// Settings: the provider detection report is shown; provider, CPU threads and theme changes are saved by
// the app and are still there after a reload.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { useWebSession } from './helpers/session';
import { chromiumAvailable, openApp } from './helpers/browser';

describe.skipIf(!chromiumAvailable())('Settings (web mode)', () => {
  const session = useWebSession();

  it('shows the provider report and keeps changes after a reload', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('radio', { name: 'Automatic' }).isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Detect again' }).click();
    await page.getByRole('button', { name: 'Detect again' }).waitFor({ state: 'visible' });
    await page.getByRole('table').waitFor({ timeout: 60_000 });
    await expect(page.getByRole('cell', { name: 'CPU', exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('provider-summary').textContent()).resolves.toMatch(/CPU/);
    await screenshot(page, 'settings-dark');

    await page.getByRole('radio', { name: 'CPU', exact: true }).check();
    await page.getByRole('checkbox', { name: /Use all CPU cores/ }).uncheck();
    await page.getByRole('spinbutton', { name: 'CPU threads' }).fill('1');
    await page.getByRole('spinbutton', { name: 'CPU threads' }).blur();
    await page.getByRole('radio', { name: 'Light' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await expect(page.getByRole('spinbutton', { name: 'CPU threads' }).inputValue()).resolves.toBe('1');

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[name="provider"][value="cpu"]')?.checked ?? false));
    await expect(page.getByRole('radio', { name: 'CPU', exact: true }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('radio', { name: 'Light' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('spinbutton', { name: 'CPU threads' }).inputValue()).resolves.toBe('1');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('light');
    await screenshot(page, 'settings-light');
    expect(problems).toEqual([]);
  });
});
