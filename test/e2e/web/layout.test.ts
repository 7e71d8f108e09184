// Every screen fits a 1000 px wide window without horizontal scrolling, in the light theme too.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/artifacts';
import { useWebSession } from './helpers/session';
import { chromiumAvailable, imagesSettled, openApp } from './helpers/browser';
import { generateAndWait } from './helpers/generate-form';

const SCREENS = ['Generate', 'Img2img / Inpaint', 'Compare', 'Gallery', 'Models', 'Settings'] as const;

describe.skipIf(!chromiumAvailable())('Layout at 1000 px', () => {
  const session = useWebSession();

  it('shows every screen without horizontal overflow', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url, { width: 1000, height: 700, colorScheme: 'light' });
    await generateAndWait(page, { prompt: 'a small orange ring', steps: 6, preset: 'Cached-only' });
    for (const name of SCREENS) {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor({ state: 'attached' });
      if (name === 'Img2img / Inpaint') {
        const picture = await sharp({ create: { width: 128, height: 96, channels: 3, background: '#c03020' } }).png().toBuffer();
        await page.getByLabel('Input picture file').setInputFiles({ name: 'input.png', mimeType: 'image/png', buffer: picture });
        await page.getByLabel('Mask: paint the area to repaint').waitFor();
      }
      if (name === 'Gallery') {
        await page.getByRole('list', { name: 'Images' }).getByRole('listitem').first().getByRole('button').click();
        await page.getByRole('complementary', { name: 'Image details' }).getByTestId('detail-prompt').waitFor();
      }
      await imagesSettled(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} overflows horizontally`).toBeLessThanOrEqual(0);
      await screenshot(page, `layout-1000-${name.toLowerCase().replace(/\W+/g, '-')}`);
    }
    expect(problems).toEqual([]);
  });
});
