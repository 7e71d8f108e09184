// Img2img / Inpaint (issue 9 items 7–8), on the real engine and the demo model: choose a picture, paint a
// mask with the mouse (undo, redo, invert, clear, keys), inpaint and check the saved PNG keeps every pixel
// away from the mask, the library keeps the source, image-to-image without a mask, the before/after slider,
// send to img2img from the gallery and reuse of an image-to-image generation's parameters.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readTextChunks } from '../../../main/images/png-text';
import { screenshot } from './helpers/artifacts';
import { chromiumAvailable, openApp } from './helpers/browser';
import { useWebSession } from './helpers/session';

const SIZE = 128;
const PROMPT = 'a green circle on a blue background';

/** A red circle on blue, the demo model's kind of picture. */
async function circlePicture(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}"><rect width="100%" height="100%" fill="#1e3cc8"/><circle cx="64" cy="64" r="30" fill="#d82020"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function rgb(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

const canvas = (page: Page) => page.getByLabel('Mask: paint the area to repaint');
const painted = async (page: Page): Promise<boolean> => (await canvas(page).getAttribute('data-painted')) === 'true';

/** A stroke in picture pixels (the canvas shows the picture scaled to its box). */
async function paint(page: Page, points: readonly [number, number][]): Promise<void> {
  const box = (await canvas(page).boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [box.x + (x / SIZE) * box.width, box.y + (y / SIZE) * box.height];
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

async function fetchBytes(page: Page, src: string): Promise<Buffer> {
  return Buffer.from(await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], src));
}

async function waitPainted(page: Page, want: boolean): Promise<void> {
  await page.waitForFunction((w) => document.querySelector('canvas[aria-label^="Mask"]')?.getAttribute('data-painted') === String(w), want);
}

describe.skipIf(!chromiumAvailable())('Img2img / Inpaint (web mode)', () => {
  const session = useWebSession();

  it('paints a mask, inpaints keeping the rest exact, runs img2img, compares, sends to and reuses from the gallery', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Img2img / Inpaint' }).click();
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);

    // a bad file: one clear message
    await page.getByLabel('Input picture file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.getByRole('alert').getByText(/not an image that can be read/).waitFor();

    const picture = await circlePicture();
    await page.getByLabel('Input picture file').setInputFiles({ name: 'circle.png', mimeType: 'image/png', buffer: picture });
    await canvas(page).waitFor();
    await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('8');
    await page.getByRole('radio', { name: 'Fixed' }).check();
    await page.getByLabel('Seed value').fill('11');

    // the mask editor: paint, undo, redo, invert, clear, keys
    expect(await painted(page)).toBe(false);
    await paint(page, [[40, 64], [64, 64], [88, 64]]);
    await waitPainted(page, true);
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitPainted(page, false);
    await page.getByRole('button', { name: 'Redo' }).click();
    await waitPainted(page, true);
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await waitPainted(page, false);
    await page.getByRole('button', { name: 'Invert' }).click();
    await waitPainted(page, true); // everything is painted now
    await page.keyboard.press('Control+z');
    await waitPainted(page, false);
    await page.keyboard.press('Control+z');
    await waitPainted(page, true); // back before "clear"
    await page.keyboard.press('Control+Shift+z');
    await waitPainted(page, false);
    const size = page.getByRole('toolbar', { name: 'Mask tools' }).locator('.mono');
    await expect(size.textContent()).resolves.toBe('24px');
    await page.keyboard.press(']');
    await expect(size.textContent()).resolves.toBe('28px');
    await page.keyboard.press('[');
    await page.keyboard.press('e');
    await expect(page.getByRole('radio', { name: 'Eraser' }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('b');
    // the final mask: one stroke across the circle (24 px brush → rows 52–76, columns 28–100)
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await paint(page, [[40, 64], [64, 64], [88, 64]]);
    await waitPainted(page, true);
    await expect(page.getByLabel('Inpaint area').inputValue()).resolves.toBe('whole');
    await screenshot(page, 'img2img-mask');

    // inpaint
    await page.getByRole('button', { name: 'Generate' }).click();
    const result = page.getByRole('img', { name: `Generated image: ${PROMPT}` });
    await result.waitFor({ timeout: 120_000 });
    const saved = await fetchBytes(page, (await result.getAttribute('src'))!);
    const text = readTextChunks(saved).get('parameters') ?? '';
    expect(text).toContain('Denoising strength: 0.75');
    expect(text).toContain('Mask blur: 4');
    expect(text).toContain('Inpaint area: Whole picture');
    // every pixel well away from the painted stroke (brush radius + 3σ of the blur + a margin) is the input's
    const [before, after] = await Promise.all([rgb(picture), rgb(saved)]);
    let kept = 0;
    let changedInside = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const i = (y * SIZE + x) * 3;
        const same = before[i] === after[i] && before[i + 1] === after[i + 1] && before[i + 2] === after[i + 2];
        const far = y < 36 || y > 92 || x < 12 || x > 116;
        if (far) {
          expect(same, `pixel ${x},${y} outside the mask changed`).toBe(true);
          kept++;
        } else if (y >= 58 && y <= 70 && x >= 40 && x <= 88 && !same) changedInside++;
      }
    }
    console.log(`inpainting: ${kept} pixels away from the mask all identical; ${changedInside} of ${13 * 49} pixels under the stroke changed`);
    expect(changedInside).toBeGreaterThan(0);

    // the library keeps the source and the mask (files under <output>/sources, rows linked to the generation)
    const sourcesDir = join(session.app.dataDir, 'images', 'sources');
    expect(existsSync(sourcesDir) && readdirSync(sourcesDir).filter((f) => f.endsWith('.png')).length).toBe(2);
    const db = new Database(join(session.app.dataDir, 'library.sqlite3'), { readonly: true });
    try {
      const rows = db.prepare('SELECT g.prompt, s.mask_id IS NOT NULL AS masked FROM generation_sources s JOIN generations g ON g.id = s.generation_id').all();
      expect(rows).toEqual([{ prompt: PROMPT, masked: 1 }]);
    } finally {
      db.close();
    }

    // the saved PNG dropped on Generate: back here with its settings, its source and its mask
    await page.getByLabel('Mask blur').fill('9');
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await page.getByRole('link', { name: 'Generate' }).click();
    await page.evaluate((b) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(b)], 'inpainted.png', { type: 'image/png' }));
      for (const t of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
    }, [...saved]);
    await page.locator('.toasts .toast').last().getByText(/source picture and mask/).waitFor();
    await waitPainted(page, true);
    await expect(page.getByLabel('Mask blur').inputValue()).resolves.toBe('4');

    // before/after slider
    const compare = page.getByRole('region', { name: 'Before and after' });
    await compare.waitFor();
    await compare.getByLabel(/Before\/after split/).fill('20');
    await expect(compare.getByRole('img', { name: 'After (the result)' }).getAttribute('style')).resolves.toContain('inset(0px 80% 0px 0px)');
    await screenshot(page, 'img2img-before-after');

    // image to image: no mask, lower strength
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await waitPainted(page, false);
    await page.getByLabel('Denoising strength value').fill('0.5');
    await page.getByLabel('Prompt', { exact: true }).fill('a green circle');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('img', { name: 'Generated image: a green circle' }).waitFor({ timeout: 120_000 });

    // gallery: searchable, remembers its source; send to img2img; reuse restores the settings and source
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('searchbox').fill('green circle');
    const tile = page.getByRole('button', { name: /^a green circle · / });
    await tile.click();
    const detail = page.getByRole('complementary', { name: 'Image details' });
    await detail.getByRole('img', { name: 'Source it was made from' }).waitFor();
    await expect(detail.textContent()).resolves.toContain('strength 0.5');
    await screenshot(page, 'img2img-gallery-detail');
    await detail.getByRole('button', { name: 'Reuse parameters' }).click();
    await canvas(page).waitFor();
    await expect(page.getByLabel('Denoising strength value').inputValue()).resolves.toBe('0.5');
    expect(await painted(page)).toBe(false);
    // the inpainting's reuse brings its mask back too
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: new RegExp(`^${PROMPT} · `) }).click();
    await detail.getByRole('button', { name: 'Reuse parameters' }).click();
    await canvas(page).waitFor();
    await waitPainted(page, true);
    await expect(page.getByLabel('Denoising strength value').inputValue()).resolves.toBe('0.75');
    await screenshot(page, 'img2img-reused-mask');

    await page.getByRole('link', { name: 'Gallery' }).click();
    await tile.click();
    await detail.getByRole('button', { name: 'Send to img2img / inpaint' }).click();
    await page.getByText(/is the new input picture/).waitFor();
    await canvas(page).waitFor();
    expect(await painted(page)).toBe(false);
    await expect(page.getByRole('button', { name: 'Undo' }).isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('takes a dropped or pasted picture, outpaints with DaTo, and reads its PNG back into the form with the source', async () => {
    const { page, problems } = await openApp(session.browser, session.app.url);
    await page.getByRole('link', { name: 'Img2img / Inpaint' }).click();
    const bytes = [...await circlePicture()];
    await page.evaluate((b) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(b)], 'dropped.png', { type: 'image/png' }));
      for (const t of ['dragenter', 'dragover']) document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
      (window as unknown as { lastDrag: DataTransfer }).lastDrag = data;
    }, bytes);
    await expect(page.locator('.overlay').textContent()).resolves.toContain('Drop to start from this picture');
    await page.evaluate(() => {
      const data = (window as unknown as { lastDrag: DataTransfer }).lastDrag;
      document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await canvas(page).waitFor();
    await expect(page.getByRole('img', { name: 'Input to repaint' }).getAttribute('width')).resolves.toBe('128');

    // a pasted picture replaces it (a 96×128 one)
    const tall = [...await sharp({ create: { width: 96, height: 128, channels: 3, background: '#1e3cc8' } }).png().toBuffer()];
    await page.evaluate((b) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(b)], 'pasted.png', { type: 'image/png' }));
      window.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
    }, tall);
    await page.waitForFunction(() => document.querySelector('img[alt="Input to repaint"]')?.getAttribute('width') === '96');

    // outpaint 32 px to the right with DaTo: the result is 128×128
    await page.getByText('Outpaint (extend the picture)').click();
    await page.getByLabel('Outpaint right').fill('32');
    await page.getByLabel('Prompt', { exact: true }).fill('a blue background');
    await page.getByRole('radio', { name: 'DaTo', exact: true }).check();
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('8');
    await page.getByRole('button', { name: 'Generate' }).click();
    const result = page.getByRole('img', { name: 'Generated image: a blue background' });
    await result.waitFor({ timeout: 120_000 });
    await expect(result.getAttribute('width')).resolves.toBe('128');
    await screenshot(page, 'img2img-outpaint');

    // its PNG dropped on Generate: the img2img settings and the source come back on this screen
    const saved = [...await fetchBytes(page, (await result.getAttribute('src'))!)];
    await page.getByLabel('Denoising strength value').fill('0.3');
    await page.getByRole('link', { name: 'Generate' }).click();
    await page.evaluate((b) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(b)], 'outpainted.png', { type: 'image/png' }));
      for (const t of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: data }));
    }, saved);
    await page.locator('.toasts .toast').last().getByText(/denoising strength, resize mode, mask blur, .*outpaint margins, source picture/).waitFor();
    await canvas(page).waitFor();
    await expect(page.getByLabel('Denoising strength value').inputValue()).resolves.toBe('0.75');
    await expect(page.getByLabel('Outpaint right').inputValue()).resolves.toBe('32'); // from the library's record
    await expect(page.getByRole('img', { name: 'Input to repaint' }).getAttribute('width')).resolves.toBe('96');
    expect(problems).toEqual([]);
  });
});
