// Settings tell the truth (issue 8 item 10): only the providers this OS can have are offered; each probe
// failure reads as a problem and its fix in plain words, with the runtime's text behind "Details" and never
// cut mid-word; CPU threads outside 1..cores get a message instead of being dropped silently.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { useWebSession } from './helpers/session';

describe.skipIf(!chromiumAvailable())('Settings tell the truth (web mode)', () => {
  const session = useWebSession();

  it('offers only the providers of this OS and explains every failed probe', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Automatic' }).waitFor();
    const offered = await page.locator('input[name="provider"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(offered).toContain('cpu');
    expect(offered.includes('dml')).toBe(process.platform === 'win32');

    await page.getByRole('button', { name: 'Detect again' }).click();
    await page.getByRole('table').waitFor({ timeout: 60_000 });
    const rows = page.getByRole('row');
    const failed = page.getByRole('row').filter({ hasText: 'unavailable' });
    const failedCount = await failed.count();
    for (let i = 0; i < failedCount; i++) {
      const row = failed.nth(i);
      const provider = (await row.getByRole('cell').first().textContent())!.trim();
      const raw = row.locator('code.raw');
      await expect(raw.isVisible()).resolves.toBe(false);
      await row.getByText('Details', { exact: true }).click();
      await expect(raw.isVisible()).resolves.toBe(true);
      const rawText = (await raw.textContent())!.trim();
      // a shortened reason ends in "…" after a whole word, never inside one
      if (rawText.endsWith('…')) expect(rawText).toMatch(/[\p{L}\p{N})\]]…$/u);
      const problem = (await row.locator('.problem').textContent())!;
      expect(problem.length).toBeGreaterThan(10);
      if (provider.startsWith('CUDA') && /shared library/i.test(rawText)) {
        await expect(row.locator('.fix').textContent()).resolves.toContain('npm run install:cuda');
      }
      if (provider === 'WebGPU' && /adapter/i.test(rawText) && process.platform === 'linux') {
        expect(problem).toContain('Vulkan driver is missing');
      }
    }
    expect(await rows.count()).toBeGreaterThan(1);
    await screenshot(page, 'settings-provider-advice');

    await page.getByRole('checkbox', { name: /Use all CPU cores/ }).uncheck();
    const threads = page.getByRole('spinbutton', { name: 'CPU threads' });
    await threads.fill('100000');
    await threads.blur();
    await expect(page.locator('#cpu-threads-problem').textContent()).resolves.toMatch(/from 1 to \d+/);
    await threads.fill('1');
    await threads.blur();
    await page.locator('#cpu-threads-problem').waitFor({ state: 'detached' });
    await screenshot(page, 'settings-cpu-threads');
    expect(problems).toEqual([]);
  });
});
