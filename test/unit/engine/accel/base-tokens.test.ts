import { describe, expect, it } from 'vitest';
import { selectBaseTokens, windowArgmax, windowCount } from '../../../../main/engine/accel/base-tokens';
import { tokenDynamics } from '../../../../main/engine/accel/dynamics';

const zeros = { uniform: () => 0.9, randn: (n: number) => new Float32Array(n) };

describe('windowArgmax', () => {
  it('picks the top-left token of every 2×2 window on ties (all-zero score)', () => {
    expect([...windowArgmax(new Float32Array(16), 4, 4)]).toEqual([0, 2, 8, 10]);
  });

  it('picks the maximum in each window, first on ties, in (0,0),(0,1),(1,0),(1,1) order', () => {
    // 4×4 grid, row-major
    const s = Float32Array.from([
      0, 1, 5, 5,
      2, 0, 1, 9,
      3, 3, 0, 0,
      3, 1, 0, 7,
    ]);
    expect([...windowArgmax(s, 4, 4)]).toEqual([4, 7, 8, 15]);
  });

  it('handles odd and non-square grids with partial windows', () => {
    // 3×5: windows rows {0,1},{2}; cols {0,1},{2,3},{4}
    const s = Float32Array.from([
      0, 0, 0, 0, 1,
      0, 2, 0, 3, 0,
      4, 0, 5, 0, 0,
    ]);
    expect(windowCount(3, 5)).toBe(6);
    expect([...windowArgmax(s, 3, 5)]).toEqual([6, 8, 4, 10, 12, 14]);
  });
});

describe('selectBaseTokens', () => {
  it('cond rows copy the uncond rows (align_cfg) and use the dynamics of the uncond rows', () => {
    const d = new Float32Array(2 * 16);
    d[5] = 1; // uncond row: window 0 → token 5
    d[16 + 1] = 9; // cond row: ignored
    const base = selectBaseTokens(d, { height: 4, width: 4, images: 1, gamma: 0.1, alpha: 0, flip: 0 }, zeros);
    expect([...base].map(Number)).toEqual([5, 2, 8, 10, 5, 2, 8, 10]);
  });

  it('a flipped sign picks the lowest dynamics', () => {
    const d = Float32Array.from({ length: 32 }, (_, i) => (i % 16) + 1); // strictly increasing
    const flipped = selectBaseTokens(d, { height: 4, width: 4, images: 1, gamma: 1, alpha: 0, flip: 1 }, zeros);
    expect([...flipped.slice(0, 4)].map(Number)).toEqual([0, 2, 8, 10]);
    const straight = selectBaseTokens(d, { height: 4, width: 4, images: 1, gamma: 1, alpha: 0, flip: 0 }, zeros);
    expect([...straight.slice(0, 4)].map(Number)).toEqual([5, 7, 13, 15]);
  });

  it('without dynamics the score is the noise alone', () => {
    const noise = { uniform: () => 0.9, randn: (n: number) => Float32Array.from({ length: n }, (_, i) => (i === 1 ? 3 : 0)) };
    const base = selectBaseTokens(null, { height: 2, width: 2, images: 1, gamma: 0.1, alpha: 0.1, flip: 0.5 }, noise);
    expect([...base].map(Number)).toEqual([1, 1]);
  });

  it('each image of a batch gets its own uncond row', () => {
    const d = new Float32Array(4 * 4);
    d[3] = 1; // image 0 → token 3
    d[4 + 0] = 1; // image 1 → token 0
    const base = selectBaseTokens(d, { height: 2, width: 2, images: 2, gamma: 1, alpha: 0, flip: 0 }, zeros);
    expect([...base].map(Number)).toEqual([3, 0, 3, 0]);
  });
});

describe('tokenDynamics', () => {
  it('is the channel mean of |ε_k − ε_{k−1}| per row and token', () => {
    const cur = Float32Array.from([1, 2, 3, 4, /* row 1 */ 0, 0, 0, 0]); // rows 2, channels 2, tokens 2
    const prev = Float32Array.from([0, 0, 0, 0, /* row 1 */ 1, -1, 1, 1]);
    expect([...tokenDynamics(cur, prev, 2, 2)]).toEqual([2, 3, 1, 1]);
  });
});
