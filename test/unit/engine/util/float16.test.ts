import { describe, expect, it } from 'vitest';
import { bf16BitsToF32, f16BitsToF32, f32ToF16, f32ToF16Bits } from '../../../../main/engine/util/float16';

describe('half precision', () => {
  it('decodes binary16 special values exactly', () => {
    const bits = new Uint16Array([0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x3555]);
    const values = Array.from(f16BitsToF32(bits));
    expect(values.slice(0, 10)).toEqual([0, -0, 1, -2, 65504, 2 ** -14, 2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity]);
    expect(values[10]).toBeCloseTo(0.33325195, 8);
    expect(Number.isNaN(f16BitsToF32(new Uint16Array([0x7e00]))[0])).toBe(true);
  });

  it('round-trips every finite binary16 value through f32ToF16Bits', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = f16BitsToF32(all);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const exponent = (i >> 10) & 0x1f;
      if (exponent === 31 && (i & 0x3ff) !== 0) continue; // NaN payloads are not preserved
      if (f32ToF16Bits(decoded[i]!) !== i) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('rounds to nearest even, overflows to Inf and flushes tiny values to zero', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and next: even (1)
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway: rounds up to even
    expect(f32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above halfway
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // rounds past max -> Inf
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // exactly half the smallest subnormal: ties to even (0)
    expect(f32ToF16Bits(2 ** -25 * 1.5)).toBe(1);
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(2); // 1.5 subnormal units: ties to even (2)
    expect(f32ToF16Bits(-(2 ** -30))).toBe(0x8000);
    expect(f32ToF16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up from the largest subnormal into normals
    expect(f32ToF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('matches a reference conversion on random values', () => {
    // Reference: exact rational rounding on the float64 value.
    const reference = (x: number): number => {
      const sign = x < 0 ? 0x8000 : 0;
      const a = Math.abs(x);
      if (a >= 65520) return sign | 0x7c00;
      const e = a < 2 ** -14 ? -14 : Math.floor(Math.log2(a));
      const unit = 2 ** (e - 10);
      let m = a / unit;
      const floor = Math.floor(m);
      const frac = m - floor;
      m = frac > 0.5 || (frac === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
      const value = m * unit;
      return value === 0 ? sign : sign | f32ToF16Bits(value); // value is exactly representable
    };
    let state = 12345;
    const values = new Float32Array(20000).map(() => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state / 2 ** 32 - 0.5) * 2 ** ((state % 40) - 24);
    });
    const ours = f32ToF16(values);
    let maxError = 0;
    for (let i = 0; i < values.length; i++) {
      expect(ours[i]).toBe(reference(values[i]!));
      maxError = Math.max(maxError, Math.abs(f16BitsToF32(new Uint16Array([ours[i]!]))[0]! - values[i]!) / Math.max(Math.abs(values[i]!), 2 ** -14));
    }
    console.log(`f32 -> f16 max relative error ${maxError}`);
    expect(maxError).toBeLessThanOrEqual(2 ** -11);
  });

  it('widens bfloat16 by shifting', () => {
    expect(Array.from(bf16BitsToF32(new Uint16Array([0x3f80, 0xc040, 0x0000, 0x7f80])))).toEqual([1, -3, 0, Infinity]);
  });
});
