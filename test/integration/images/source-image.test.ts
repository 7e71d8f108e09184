// Input images and masks for image-to-image with sharp: fitting to the generation size, one clear error per
// bad input, outpainting canvases, only-masked crop and paste-back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageFileError } from '../../../main/images/image-file-error';
import { cropRegion, cutRegion, pasteRegion } from '../../../main/images/inpaint-region';
import { extendCanvas, fitImage, fitMask, loadMask, loadSourceImage } from '../../../main/images/source-image';
import { discMask, pngOf, renderShape } from '../../fixtures/shape-images';

const dir = mkdtempSync(join(tmpdir(), 'dato-source-'));
const pixel = (img: { width: number; rgb: Uint8Array }, x: number, y: number): number[] => [...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];

async function wide(): Promise<Buffer> { // 200×100: red left half, green right half
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="100" height="100" fill="#ff0000"/><rect x="100" width="100" height="100" fill="#00ff00"/></svg>';
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('fitting to the generation size', () => {
  it('resize stretches, crop cuts the sides, fill repeats the edges', async () => {
    const img = await loadSourceImage(await wide());
    expect([img.width, img.height]).toEqual([200, 100]);
    const resized = await fitImage(img, 64, 64, 'resize');
    expect(pixel(resized, 2, 32)).toEqual([255, 0, 0]);
    const cropped = await fitImage(img, 64, 64, 'crop'); // the middle 100×100: half red, half green
    expect(pixel(cropped, 2, 32)).toEqual([255, 0, 0]);
    expect(pixel(cropped, 61, 32)).toEqual([0, 255, 0]);
    const filled = await fitImage(img, 64, 64, 'fill'); // 64×32 in the middle, edges repeated up and down
    expect(pixel(filled, 2, 0)).toEqual([255, 0, 0]);
    expect(pixel(filled, 61, 63)).toEqual([0, 255, 0]);
  });

  it('a mask goes through the same resize, then blur and inversion', async () => {
    const mask = { width: 64, height: 64, data: discMask(64, 32, 32, 10) };
    const inverted = await fitMask(mask, 64, 64, 'resize', { invert: true });
    expect(inverted.data[0]).toBe(255);
    expect(inverted.data[32 * 64 + 32]).toBe(0);
    const blurred = await fitMask(mask, 64, 64, 'resize', { blur: 4 });
    expect(blurred.data[32 * 64 + 43]).toBeGreaterThan(0); // spread past the edge
    expect(blurred.data[32 * 64 + 43]).toBeLessThan(255);
  });
});

describe('bad inputs: one clear message each', () => {
  const message = async (p: Promise<unknown>): Promise<string> => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ImageFileError);
    return (err as ImageFileError).message;
  };

  it('not an image, a missing file, too many pixels, a mask of another size', async () => {
    const junk = join(dir, 'junk.png');
    writeFileSync(junk, 'not a picture');
    expect(await message(loadSourceImage(junk))).toMatch(/is not an image that can be read/);
    expect(await message(loadSourceImage(join(dir, 'missing.png')))).toMatch(/does not exist/);
    const huge = await sharp({ create: { width: 9000, height: 8000, channels: 3, background: '#000' } }).png({ compressionLevel: 1 }).toBuffer();
    expect(await message(loadSourceImage(huge))).toMatch(/megapixels/);
    const img = await loadSourceImage(await wide());
    const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(await message(loadMask(small, img))).toBe('The mask is 64×64 but the input image is 200×100; they must be the same size.');
    expect(await message(extendCanvas(img, { left: 0, right: 0, top: 0, bottom: 0 }))).toMatch(/at least one side/);
  });
});

describe('outpainting canvas', () => {
  it('grows by the given sides (then to multiples of 8), repeats the edges, masks only the new area', async () => {
    const img = await renderShape({ shape: 'circle', colour: 'red', background: 'blue', size: 64 });
    const { image, mask } = await extendCanvas(img, { left: 10, right: 0, top: 0, bottom: 20 });
    expect([image.width, image.height]).toEqual([80, 88]); // 74 → 80, 84 → 88
    expect(pixel(image, 0, 0)).toEqual(pixel(img, 0, 0));
    expect(mask.data[0]).toBe(255);
    expect(mask.data[5 * 80 + 10]).toBe(0);
    expect(mask.data[63 * 80 + 73]).toBe(0);
    expect(mask.data[63 * 80 + 74]).toBe(255); // the rounding band on the right
    expect(mask.data[64 * 80 + 40]).toBe(255);
  });
});

describe('only masked', () => {
  it('the region around the mask at the target aspect, and a paste-back that keeps every pixel outside the mask', async () => {
    const img = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
    const mask = { width: 128, height: 128, data: discMask(128, 100, 30, 8) };
    const region = cropRegion(mask, 4, { width: 64, height: 32 });
    expect(region.width / region.height).toBeCloseTo(2, 1);
    expect(region.left + region.width).toBeLessThanOrEqual(128);
    expect([region.top, region.height]).toEqual([18, 25]); // bounding box 22..38 ± 4 padding
    const cut = await cutRegion(img, mask, region, 64, 32);
    expect(cut.image.rgb).toHaveLength(64 * 32 * 3);
    const generated = { width: 64, height: 32, rgb: new Uint8Array(64 * 32 * 3).fill(250) };
    const pasted = await pasteRegion(img, mask, region, generated);
    for (let p = 0; p < mask.data.length; p++) if (mask.data[p] === 0) expect(pasted.rgb[p * 3]).toBe(img.rgb[p * 3]);
    expect(pixel(pasted, 100, 30)).toEqual([250, 250, 250]);
    expect(() => cropRegion({ width: 8, height: 8, data: new Uint8Array(64) }, 4, { width: 8, height: 8 })).toThrow(/empty/);
    expect((await pngOf(pasted)).length).toBeGreaterThan(0);
  });
});
