// Hires-fix sizes and latent upscaling; inpainting masks and the composite.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { upscaleLatent } from '../../../../main/engine/pipeline/hires-fix';
import { hiresSize } from '../../../../main/engine/pipeline/img2img-options';
import { compositeByMask, fillMasked, latentMask } from '../../../../main/engine/pipeline/inpaint-mask';

describe('hires fix sizes', () => {
  it('base × scale rounded down to multiples of 8', () => {
    expect(hiresSize(128, 128, 2)).toEqual({ width: 256, height: 256 });
    expect(hiresSize(512, 512, 1.5)).toEqual({ width: 768, height: 768 });
    expect(hiresSize(512, 768, 1.25)).toEqual({ width: 640, height: 960 });
    expect(hiresSize(100 * 8, 64, 1.3)).toEqual({ width: 1040, height: 80 });
  });

  it('refuses scales ≤ 1, above 4, and sizes over the pixel limit', () => {
    for (const s of [1, 0.5, 4.5]) expect(() => hiresSize(512, 512, s)).toThrow(EngineError);
    expect(() => hiresSize(1024, 1024, 3)).toThrow(/too large/);
  });
});

describe('latent upscale', () => {
  const x = Float32Array.from([0, 1, 2, 3]); // one channel 2×2: [[0, 1], [2, 3]]
  it('bilinear, align_corners=False, clamped at the edges (torch.nn.functional.interpolate)', () => {
    // torch: interpolate([[0,1],[2,3]], size=(4,4), mode='bilinear') rows: 0 .25 .75 1 / .5 .75 1.25 1.5 / 1.5 1.75 2.25 2.5 / 2 2.25 2.75 3
    expect([...upscaleLatent(x, 1, 2, 2, 4, 4, 'bilinear')]).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });
  it('nearest-exact', () => {
    expect([...upscaleLatent(x, 1, 2, 2, 3, 3, 'nearest-exact')]).toEqual([0, 1, 1, 2, 3, 3, 2, 3, 3]);
  });
});

describe('masks', () => {
  it('a latent pixel is repainted when any pixel of its 8×8 block is at least half repaint', () => {
    const mask = new Uint8Array(16 * 16);
    mask[9 * 16 + 3] = 128; // block (row 1, col 0)
    mask[2 * 16 + 12] = 127; // below half: not enough
    expect([...latentMask(mask, 16, 16)]).toEqual([0, 0, 1, 0]);
  });

  it('composite: the original outside the mask, the result inside, blended on soft edges', () => {
    const original = { width: 3, height: 1, rgb: Uint8Array.from([10, 20, 30, 10, 20, 30, 10, 20, 30]) };
    const generated = { width: 3, height: 1, rgb: Uint8Array.from([200, 200, 200, 200, 200, 200, 200, 200, 200]) };
    const out = compositeByMask(original, generated, Uint8Array.from([0, 255, 51]));
    expect([...out.rgb]).toEqual([10, 20, 30, 200, 200, 200, 48, 56, 64]);
  });

  it('fill: the repaint region takes the mean colour of the kept pixels', () => {
    const img = { width: 3, height: 1, rgb: Uint8Array.from([10, 0, 0, 30, 0, 0, 255, 255, 255]) };
    expect([...fillMasked(img, Uint8Array.from([0, 0, 255])).rgb]).toEqual([10, 0, 0, 30, 0, 0, 20, 0, 0]);
  });
});
