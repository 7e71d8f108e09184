// The preview map itself: the least-squares fit recovers a linear latent → RGB map exactly, and projection
// upsamples smoothly (bilinear between latent pixel centres, constant regions stay constant).
import { describe, expect, it } from 'vitest';
import { LatentPreview, PreviewFit, previewScale } from '../../../../main/engine/pipeline/latent-preview';

const MAP = [[0.3, -0.1, 0.2], [0.1, 0.4, -0.2], [-0.2, 0.1, 0.3], [0.05, -0.3, 0.1], [0.1, -0.05, 0.02]];

/** The image a perfectly linear decoder would give: every 8×8 block = MAP applied to its latent pixel. */
function linearDecode(latent: Float32Array, h: number, w: number): Float32Array {
  const image = new Float32Array(3 * 64 * h * w);
  for (let k = 0; k < 3; k++) {
    for (let y = 0; y < 8 * h; y++) {
      for (let x = 0; x < 8 * w; x++) {
        const p = Math.floor(y / 8) * w + Math.floor(x / 8);
        let v = MAP[4]![k]!;
        for (let c = 0; c < 4; c++) v += latent[c * h * w + p]! * MAP[c]![k]!;
        image[(k * 8 * h + y) * 8 * w + x] = v;
      }
    }
  }
  return image;
}

describe('PreviewFit', () => {
  it('recovers the map of a linear decoder from a few latents', () => {
    const fit = new PreviewFit(4);
    let s = 1;
    const rand = (): number => { s = (s * 16807) % 2147483647; return (s / 2147483647) * 2 - 1; };
    for (let i = 0; i < 3; i++) {
      const latent = Float32Array.from({ length: 4 * 6 * 5 }, rand);
      fit.add(latent, 6, 5, linearDecode(latent, 6, 5));
    }
    const solved = fit.solve()!;
    for (const [i, row] of MAP.entries()) for (const [k, v] of row.entries()) expect(solved[i]![k]).toBeCloseTo(v, 4);
  });

  it('is null when the samples cannot determine the map', () => {
    expect(new PreviewFit(4).solve()).toBeNull();
  });
});

describe('LatentPreview.project', () => {
  const identity = new LatentPreview([[1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  const toValue = (byte: number): number => (byte / 255) * 2 - 1;

  it('upsamples a constant latent to a constant image of scale × the size', () => {
    const out = identity.project(new Float32Array(4 * 2 * 3).fill(0.5), 4, 2, 3, 8);
    expect([out.width, out.height]).toEqual([24, 16]);
    expect(new Set(out.rgb)).toEqual(new Set([Math.round(0.75 * 255)]));
  });

  it('interpolates linearly between latent pixel centres (no 8×8 blocks)', () => {
    const latent = new Float32Array(4 * 1 * 2);
    latent[0] = -1; latent[1] = 1; // channel 0: a left → right step
    const out = identity.project(latent, 4, 1, 2, 8);
    const row = Array.from({ length: 16 }, (_, x) => toValue(out.rgb[x * 3]!));
    expect(row.slice(0, 4).every((v) => v === -1)).toBe(true); // left of the first centre: clamped
    expect(row.slice(12).every((v) => v === 1)).toBe(true);
    for (let x = 5; x < 12; x++) expect(row[x]! - row[x - 1]!).toBeCloseTo(0.25, 1); // a ramp, not a jump
  });

  it('keeps previews at most 256 px wide, never below the latent size', () => {
    expect(previewScale(16, 16)).toBe(8);
    expect(previewScale(64, 64)).toBe(4);
    expect(previewScale(64, 96)).toBe(2);
    expect(previewScale(512, 512)).toBe(1);
  });
});
