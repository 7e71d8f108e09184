// Hires fix on Generate (issue 9): the section opens from its checkbox and shows the target size live, the plan
// cost adds the second pass, the image comes out at the target size with the second pass in its summary, the
// gallery lists the hires settings, and both "Reuse parameters" and dropping the PNG back restore the section.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

const PROMPT = 'a red circle on a blue background';

/** Drop a file on the window, as from the desktop. */
async function dropFile(page: Page, name: string, bytes: number[]): Promise<void> {
  await page.evaluate(({ name, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
    for (const t of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, { name, bytes });
}

describe.skipIf(!chromiumAvailable())('Hires fix on Generate (web mode, demo model)', () => {
  const session = useWebSession();

  it('generates at the target size, shows the settings in the gallery and restores them', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await fillGenerateForm(page, { prompt: PROMPT, steps: 4, seed: 2024, preset: 'Baseline' });
    const section = page.getByRole('group', { name: 'Hires fix' });
    const enabled = section.getByRole('checkbox', { name: /Hires fix/ });
    const size = section.getByTestId('hires-size');
    await expect(size.textContent()).resolves.toMatch(/^\s*128×128\s*$/);
    await enabled.check();
    await size.filter({ hasText: '128×128 → 256×256' }).waitFor(); // the default factor, 2
    await section.getByRole('spinbutton', { name: 'Upscale by' }).fill('1.5');
    await size.filter({ hasText: '128×128 → 192×192' }).waitFor();
    await section.getByRole('spinbutton', { name: 'Hires steps' }).fill('2');
    await section.getByLabel('Hires denoising strength value').fill('0.6');
    await expect(section.getByLabel('Upscaler').inputValue()).resolves.toBe('latent');
    // the plan cost: the first pass, then the second one at the target size
    const cost = page.getByTestId('plan-cost');
    await cost.getByText(/^4 evaluations: 4 full/).waitFor();
    await cost.getByText(/^Hires pass: 2 evaluations: 2 full · 0 shallow · 0 skip · ≈100%/).waitFor();
    // a factor the contract refuses is said in the section and stops a run
    await section.getByRole('spinbutton', { name: 'Upscale by' }).fill('5');
    await section.getByRole('alert').getByText(/^Hires fix: Scale must be between 1 and 4\./).waitFor();
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);
    await section.getByRole('spinbutton', { name: 'Upscale by' }).fill('1.5');
    await screenshot(page, 'hires-form');

    await page.getByRole('button', { name: 'Generate' }).click();
    const image = page.getByRole('img', { name: `Generated image: ${PROMPT}` });
    await image.waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[alt^="Generated image"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const natural = await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(natural).toEqual([192, 192]);
    await page.getByText('hires fix ×1.5 → 192×192, 2 steps, strength 0.6, Latent').first().waitFor();
    await screenshot(page, 'hires-result');
    const bytes = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url!)).arrayBuffer())], await image.getAttribute('src'));

    // the gallery lists the second pass; its parameters are A1111's
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: new RegExp(`^${PROMPT} · `) }).click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await expect(detail.getByTestId('detail-hires').textContent()).resolves.toBe('×1.5 → 192×192, 2 steps, strength 0.6, Latent');
    await screenshot(page, 'hires-gallery-detail');

    // reuse: the section comes back open with the same settings
    await page.getByRole('link', { name: 'Generate' }).click();
    await enabled.uncheck();
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: new RegExp(`^${PROMPT} · `) }).click();
    await detail.getByRole('button', { name: 'Reuse parameters' }).click();
    await page.getByRole('heading', { name: 'Generate', level: 1 }).waitFor({ state: 'attached' });
    const restored = async (): Promise<void> => {
      await expect(enabled.isChecked()).resolves.toBe(true);
      await expect(section.getByRole('spinbutton', { name: 'Upscale by' }).inputValue()).resolves.toBe('1.5');
      await expect(section.getByRole('spinbutton', { name: 'Hires steps' }).inputValue()).resolves.toBe('2');
      await expect(section.getByLabel('Hires denoising strength value').inputValue()).resolves.toBe('0.6');
      await expect(size.textContent()).resolves.toContain('128×128 → 192×192');
    };
    await restored();

    // dropping the PNG back: its A1111 hires fields restore the section too
    await enabled.uncheck();
    await dropFile(page, 'hires.png', bytes);
    await page.locator('.toasts .toast').last().getByText(/hires fix/).waitFor();
    await restored();
    await screenshot(page, 'hires-restored');
    expect(problems).toEqual([]);
  });
});
