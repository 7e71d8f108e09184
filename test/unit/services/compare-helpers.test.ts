// Pure parts of generate/compare: size options, variant ordering, PSNR.
import { describe, expect, it } from 'vitest';
import { orderVariants } from '../../../main/services/compare-service';
import { psnr } from '../../../main/common/stats';
import { sizeOptions } from '../../../main/services/size-options';

describe('sizeOptions', () => {
  it('keeps about the native pixel count in multiples of 8', () => {
    for (const native of [128, 512]) {
      for (const o of sizeOptions(native)) {
        expect(o.width % 8).toBe(0);
        expect(o.height % 8).toBe(0);
        expect(Math.abs(o.width * o.height - native * native) / (native * native)).toBeLessThan(0.12);
      }
    }
    expect(sizeOptions(512)[0]).toMatchObject({ width: 512, height: 512 });
    expect(sizeOptions(512).find((o) => o.label.startsWith('16:9'))).toMatchObject({ width: 680, height: 384 });
  });
});

describe('orderVariants', () => {
  it('puts the baseline first and drops duplicates', () => {
    expect(orderVariants([{ mode: 'dato' }, { mode: 'baseline' }, { mode: 'cached', cacheInterval: 3 }, { cacheInterval: 3, mode: 'cached' }]))
      .toEqual([{ mode: 'baseline' }, { mode: 'dato' }, { mode: 'cached', cacheInterval: 3 }]);
  });
});

describe('psnr', () => {
  it('is Infinity for identical images and 10·log10(255²/MSE) otherwise', () => {
    const a = Uint8Array.from([0, 100, 200, 255]);
    expect(psnr(a, a)).toBe(Infinity);
    const b = Uint8Array.from([10, 110, 190, 245]);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 10);
  });
});
