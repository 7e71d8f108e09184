// Compare, the signature view: one prompt and seed through Baseline, Cached-only and DaTo side by side,
// each with wall time, speed-up and PSNR against the baseline, and a difference heat map; each accelerated
// variant gets its "fewer steps, same time" plain run and a verdict on which kept more of the baseline; the
// comparison is kept in the list of past comparisons after a reload.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { useWebSession } from './helpers/session';
import { chromiumAvailable, imagesSettled, openApp } from './helpers/browser';

describe.skipIf(!chromiumAvailable())('Compare (web mode, demo model)', () => {
  const session = useWebSession();

  it('runs Baseline, Cached-only and DaTo on one seed and shows speed-up, PSNR and heat maps', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Compare' }).click();
    // Typed at once: the form takes the Generate form's settings when the app has loaded, keeping what was typed.
    await page.getByLabel('Prompt', { exact: true }).fill('a yellow star on a purple background');
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('42');
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('20');
    const presets = page.getByRole('group', { name: 'Presets to compare' });
    await expect.poll(() => presets.getByRole('checkbox', { name: /^Cached-only/ }).isChecked(), { timeout: 60_000 }).toBe(true);
    await expect(page.getByLabel('Prompt', { exact: true }).inputValue()).resolves.toBe('a yellow star on a purple background');
    await expect(page.getByRole('spinbutton', { name: 'Seed' }).inputValue()).resolves.toBe('42');
    await expect(page.getByRole('spinbutton', { name: 'Steps', exact: true }).inputValue()).resolves.toBe('20');
    await expect(presets.getByRole('checkbox', { name: /^Baseline/ }).isDisabled()).resolves.toBe(true);
    await expect(presets.getByRole('checkbox', { name: /^Baseline/ }).isChecked()).resolves.toBe(true);
    // Exactly Cached-only and DaTo besides Baseline.
    for (const box of await presets.getByRole('checkbox').all()) {
      const name = (await box.getAttribute('aria-label')) ?? (await box.evaluate((el) => el.closest('label')?.textContent ?? ''));
      const wanted = /^\s*(Baseline|Cached-only|DaTo)(?! fast)/.test(name);
      if ((await box.isChecked()) !== wanted && !(await box.isDisabled())) await box.setChecked(wanted);
    }
    await page.getByRole('button', { name: 'Run comparison (3)' }).click();

    const results = page.getByRole('region', { name: 'Comparison results' });
    await results.waitFor();
    await screenshot(page, 'compare-running');
    const cards = results.getByRole('article');
    await expect(cards.count()).resolves.toBe(3);
    // Every variant finishes: its image is shown.
    for (const title of [/^Baseline/, /^Cached-only/, /^DaTo/]) {
      await results.getByRole('article', { name: title }).getByRole('img', { name: /result$/ }).waitFor({ timeout: 120_000 });
    }
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="variant-psnr"]')].filter((el) => /dB/.test(el.textContent ?? '')).length === 2);
    const psnrs = await results.getByTestId('variant-psnr').allTextContents();
    expect(psnrs[0]).toBe('reference');
    for (const psnr of psnrs.slice(1)) expect(psnr).toMatch(/^(\d+\.\d dB|∞ dB \(identical\))$/);
    const speedups = await results.getByTestId('variant-speedup').allTextContents();
    expect(speedups[0]).toBe('1.00×');
    for (const s of speedups.slice(1)) expect(s).toMatch(/^\d+\.\d{2}×$/);
    await imagesSettled(page);
    await screenshot(page, 'compare-results');

    // Fewer steps, same time: the plain DDIM run at ⌈N / speed-up⌉ steps (N = 20, as the legend states), and
    // which kept more.
    const n = Number(/at ⌈(\d+) ÷ speed-up⌉ steps/.exec((await results.locator('.legend').textContent())!)![1]);
    expect(n).toBe(20);
    for (const title of [/^Cached-only/, /^DaTo/]) {
      const card = results.getByRole('article', { name: title });
      const sameTime = card.getByRole('region', { name: /fewer steps, same time$/ });
      await sameTime.getByTestId('equal-time-verdict').waitFor({ timeout: 120_000 });
      const speedup = Number.parseFloat((await card.getByTestId('variant-speedup').textContent())!);
      const text = (await sameTime.textContent())!;
      const steps = Number(/DDIM (\d+) steps/.exec(text)![1]);
      // The card's speed-up is rounded to 2 decimals: ⌈N / s⌉ for s within that rounding.
      expect([Math.ceil(n / (speedup + 0.005) - 1e-9), Math.ceil(n / (speedup - 0.005) - 1e-9)].map((k) => Math.min(n, k))).toContain(steps);
      const verdict = (await sameTime.getByTestId('equal-time-verdict').textContent())!;
      if (steps === n) {
        expect(text).toContain('(the baseline)');
        expect(verdict).toMatch(/^Not faster than the baseline/);
        continue;
      }
      await sameTime.getByRole('img', { name: `DDIM ${steps} steps result` }).waitFor();
      const own = Number.parseFloat((await card.getByTestId('variant-psnr').textContent())!);
      const plain = Number.parseFloat((await sameTime.getByTestId('equal-time-psnr').textContent())!);
      console.log(`${title.source}: ${own} dB at ${speedup}× vs DDIM ${steps}: ${plain} dB → ${verdict}`);
      if (own > plain + 0.1) expect(verdict).toMatch(/^(Cached-only|DaTo) kept more of the baseline/);
      else if (plain > own + 0.1) expect(verdict).toMatch(/^Fewer steps kept more of the baseline/);
    }
    await expect(cards.count()).resolves.toBe(3); // the plain runs live inside their variants' cards
    await imagesSettled(page);
    await screenshot(page, 'compare-same-time');

    await page.getByRole('checkbox', { name: 'Show difference heat maps' }).check();
    const heatmaps = results.getByRole('img', { name: /^Difference heat map of / });
    await expect(heatmaps.count()).resolves.toBe(2);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img[alt^="Difference heat map"]')].every((img) => img.complete && img.naturalWidth > 0));
    await screenshot(page, 'compare-heatmaps');

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const past = page.getByRole('region', { name: 'Past comparisons' });
    await past.getByRole('button', { name: /a yellow star on a purple background/ }).click();
    await results.waitFor();
    await expect(results.getByRole('article').count()).resolves.toBe(3);
    await expect(results.getByTestId('equal-time-verdict').count()).resolves.toBe(2);
    expect(problems).toEqual([]);
  });
});
