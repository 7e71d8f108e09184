// The live preview looks like the result: on the demo model the preview is image-sized (not 16×16 blocks
// scaled up), drawn smoothly, and the last preview the page showed is within 12 dB PSNR of the finished image
// (the engine's own test bounds the last step at 13 dB; here the page may show a step or two earlier).
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { fillGenerateForm } from './helpers/generate-form';
import { useWebSession } from './helpers/session';

const BOUND_DB = 12;

describe.skipIf(!chromiumAvailable())('Live preview (web mode, demo model)', () => {
  const session = useWebSession();

  it('shows a smooth, image-sized preview whose last step looks like the finished image', { timeout: 400_000 }, async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    const prompt = 'a large red circle on a blue background';
    await fillGenerateForm(page, { prompt, steps: 12, seed: 4242, preset: 'Baseline' });
    // remember every preview the page shows, with its step
    await page.evaluate(() => {
      const seen: { src: string; alt: string }[] = [];
      (window as unknown as { previews: typeof seen }).previews = seen;
      new MutationObserver(() => {
        const img = document.querySelector<HTMLImageElement>('img[alt^="Live preview, step"]');
        if (img && seen.at(-1)?.src !== img.src) seen.push({ src: img.src, alt: img.alt });
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'alt'] });
    });
    await page.getByRole('button', { name: 'Generate' }).click();
    const preview = page.getByRole('img', { name: /^Live preview, step \d+ of 12$/ });
    await preview.waitFor({ timeout: 90_000 });
    await expect(preview.evaluate((img: HTMLImageElement) => getComputedStyle(img).imageRendering)).resolves.toBe('auto');
    await screenshot(page, 'preview-running');
    await page.getByRole('img', { name: `Generated image: ${prompt}` }).waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[alt^="Generated image"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const measured = await page.evaluate(async () => {
      const seen = (window as unknown as { previews: { src: string; alt: string }[] }).previews;
      const last = seen.at(-1)!;
      const load = (src: string): Promise<HTMLImageElement> => new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img);
        img.onerror = () => reject(new Error(`cannot load ${src.slice(0, 40)}`));
        img.src = src;
      });
      const pixels = (img: HTMLImageElement): Uint8ClampedArray => {
        const canvas = document.createElement('canvas');
        canvas.width = 128;
        canvas.height = 128;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0, 128, 128);
        return ctx.getImageData(0, 0, 128, 128).data;
      };
      const previewImg = await load(last.src);
      const a = pixels(previewImg);
      const b = pixels(document.querySelector<HTMLImageElement>('img[alt^="Generated image"]')!);
      let se = 0;
      let n = 0;
      for (let i = 0; i < a.length; i++) {
        if (i % 4 === 3) continue; // alpha
        se += (a[i]! - b[i]!) ** 2;
        n++;
      }
      return { psnr: 10 * Math.log10((255 * 255) / (se / n)), step: last.alt, previews: seen.length, width: previewImg.naturalWidth, height: previewImg.naturalHeight };
    });
    console.log(`last preview seen (${measured.step}, ${measured.previews} previews, ${measured.width}×${measured.height}) vs image: ${measured.psnr.toFixed(2)} dB (bound ${BOUND_DB} dB)`);
    expect([measured.width, measured.height]).toEqual([128, 128]);
    expect(Number(/step (\d+) of/.exec(measured.step)![1])).toBeGreaterThanOrEqual(10);
    expect(measured.psnr).toBeGreaterThanOrEqual(BOUND_DB);
    await screenshot(page, 'preview-result');
    expect(problems).toEqual([]);
  });
});
