// The colour reader against the demo model's own published score: eval.png holds the model's 64 held-out
// captions (DDIM 30, CFG 5, one seed each) in an 8×8 grid, for which the README reports colour adherence
// 0.984 (background 1.000, shape 0.984).
import sharp from 'sharp';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readColours } from '../../../bench/colour-adherence';
import { loadEvalCaptions } from '../../../bench/demo-captions';
import { demoModelDir } from '../../helpers/paths';

describe('colour adherence reader', () => {
  it('scores the published eval grid like the model card says', async () => {
    const { captions, palette } = loadEvalCaptions(join(demoModelDir, 'model.safetensors'));
    const { data, info } = await sharp(join(demoModelDir, 'eval.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let bg = 0; let shape = 0; let both = 0;
    captions.forEach((c, i) => {
      const tile = new Uint8Array(128 * 128 * 3);
      const [gx, gy] = [i % 8, Math.floor(i / 8)];
      for (let y = 0; y < 128; y++) {
        const row = ((gy * 128 + y) * info.width + gx * 128) * 3;
        tile.set(data.subarray(row, row + 128 * 3), y * 128 * 3);
      }
      const read = readColours(tile, 128, 128, palette);
      bg += read.background === c.background_colour ? 1 : 0;
      shape += read.shape === c.shape_colour ? 1 : 0;
      both += read.background === c.background_colour && read.shape === c.shape_colour ? 1 : 0;
    });
    console.log(`eval.png: adherence ${(both / 64).toFixed(3)}, background ${(bg / 64).toFixed(3)}, shape ${(shape / 64).toFixed(3)}`);
    expect(bg / 64).toBe(1);
    expect(both / 64).toBeGreaterThanOrEqual(62 / 64);
  });

  it('reads a flat synthetic image: background only, no shape', () => {
    const rgb = new Uint8Array(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) rgb.set([40, 80, 220], p * 3);
    for (let y = 20; y < 40; y++) for (let x = 20; x < 40; x++) rgb.set([220, 40, 40], (y * 64 + x) * 3);
    const palette = new Map([['blue', [40, 80, 220] as const], ['red', [220, 40, 40] as const], ['white', [240, 240, 240] as const]]);
    expect(readColours(rgb, 64, 64, palette)).toEqual({ background: 'blue', shape: 'red' });
    const flat = new Uint8Array(64 * 64 * 3).fill(240);
    expect(readColours(flat, 64, 64, palette)).toEqual({ background: 'white', shape: null });
  });
});
