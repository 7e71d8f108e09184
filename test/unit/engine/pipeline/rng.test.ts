import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createRng, randomSeed } from '../../../../main/engine/pipeline/rng';
import { readNpy } from '../../../../main/engine/util/npy';
import { tinyRefDir } from '../../../helpers/paths';

// Expected values come from PyTorch 1.13.1 (Debian python3-torch, x86-64, AVX2 kernel):
//   torch.manual_seed(seed); torch.randn(n)   (values printed as the shortest float32 repr)
// and fnv = FNV-1a (32-bit) over the little-endian uint32 bit patterns of all n float32 values.

function fnv1a(values: Float32Array): number {
  let h = 0x811c9dc5;
  for (const bits of new Uint32Array(values.buffer, values.byteOffset, values.length)) {
    h = Math.imul(h ^ bits, 0x01000193) >>> 0;
  }
  return h;
}

/** Bit-exact comparison: every expected literal is a float32 value. */
function expectBits(got: Float32Array, expected: number[]): void {
  expect(Array.from(got)).toEqual(expected.map(Math.fround));
}

describe('createRng: torch.manual_seed(seed); torch.randn(n) on the CPU', () => {
  test('seed 42, 1x4x16x16 (vectorised normal_fill)', () => {
    const x = createRng(42).randn(4 * 16 * 16);
    expectBits(x.subarray(0, 16), [1.9269153, 1.4872841, 0.9007172, -2.105521, 0.67841846, -1.2345449,
      -0.043067478, -1.604667, -0.7521353, 1.648723, -0.39247864, -1.4036071, -0.7278813, -0.5594302,
      -0.7688389, 0.7624454]);
    expectBits(x.subarray(500, 508), [-0.75258744, -0.6472298, -1.2822615, 1.9652922, -0.96384853, -2.5667942,
      0.70961285, 0.8198427]);
    expectBits(x.subarray(1016), [0.667433, -0.80359536, -1.3776048, -0.44104707, 0.14175874, 1.1084682,
      0.55442333, 1.5817503]);
    expect(fnv1a(x)).toBe(0x69ba94ed);
  });

  test('seed 42, 1x4x64x64 (an SD 512x512 latent)', () => {
    const x = createRng(42).randn(4 * 64 * 64);
    expectBits(x.subarray(0, 8), [1.9269153, 1.4872841, 0.9007172, -2.105521, 0.67841846, -1.2345449,
      -0.043067478, -1.604667]);
    expectBits(x.subarray(8190, 8198), [0.6939815, 1.8563322, -0.79778224, 1.0260934, 1.1465468, 0.008753136,
      -0.3034587, -1.0723257]);
    expectBits(x.subarray(16376), [1.9840667, -0.5542587, 0.42913502, 0.071532935, -0.8111438, -0.6357505,
      0.97280973, -0.2934061]);
    expect(fnv1a(x)).toBe(0xdd1007ac);
  });

  test('reproduces the reference x_T (tiny-sd1 config noise_seed 42, torch.randn(1, 4, 32, 32))', () => {
    const reference = readNpy(resolve(tinyRefDir, 'sample_x_T.npy'));
    expect(createRng(42).randn(4 * 32 * 32)).toEqual(reference.data);
  });

  test('7 elements take the scalar normal_distribution<double> path', () => {
    expectBits(createRng(1234).randn(7), [0.046130463, 0.40240282, -1.0115291, 0.21673824, -0.6122731,
      0.50361073, 0.2309668]);
  });

  test('100 elements: the last 16 are recomputed from fresh uniforms', () => {
    const x = createRng(1234).randn(100);
    expectBits(x.subarray(0, 16), [-0.111718565, -0.4965901, 0.1630737, -0.88168776, 0.053900193, 0.6683737,
      -0.059657607, -0.46749794, -0.21525294, 0.8839616, -0.7584169, -0.3688679, -0.3423936, -1.4019718,
      0.32064798, -1.0218575]);
    expectBits(x.subarray(80), [0.14072846, -0.6936872, -0.6158936, -0.7295492, 1.3204473, 1.599697,
      -1.0792428, -0.33960974, -1.4538091, -2.6740067, 1.5983689, 0.80213785, 0.5721773, 0.06528875,
      -0.023459021, 0.88760567, 1.4689033, 1.2646984, -0.27527395, -0.13253759]);
    expect(fnv1a(x)).toBe(0x06c66e1f);
  });

  test('successive calls continue one stream, including the cached second scalar normal', () => {
    // torch.manual_seed(7); then torch.randn(7), (100), (3), (16), (5) one after the other. The odd
    // randn(7) leaves a cached value that randn(100) ignores and randn(3) returns first.
    const rng = createRng(7);
    const chunks = [7, 100, 3, 16, 5].map((n) => rng.randn(n));
    const heads = [
      [-0.1467951, 0.7861413, 0.94682163, -1.114344, 1.6907902, -0.8948279, -0.35562503],
      [-1.5826646, -0.32456663, 1.9263681, -0.33001173, 0.19844505, 0.78207266, 1.0391077, -0.7245107],
      [1.2323858, -0.073864296, 1.1055915],
      [0.6339749, 1.0036361, -2.188052, -0.99272156, 0.8884993, -1.4866755, -0.8898332, 0.9005295],
      [-0.5643812, 1.1559597, -0.6877363, 0.35153905, 1.5050232],
    ];
    const hashes = [0x58fb9976, 0x9ff77086, 0xa9ff9c6c, 0xd323694e, 0x918763a6];
    chunks.forEach((chunk, k) => {
      expectBits(chunk.subarray(0, heads[k]!.length), heads[k]!);
      expect(fnv1a(chunk)).toBe(hashes[k]);
    });
  });

  test('seed 0, 20 elements (the values every torch user has seen)', () => {
    expectBits(createRng(0).randn(20), [-1.1258398, -1.1523602, -0.25057858, -0.4338788, 0.59883946,
      -1.5550951, -0.3413604, 1.8530061, 0.4680964, -0.15771244, 1.4436601, 0.2660494, 1.3893661, 1.5863342,
      0.94629836, -0.84367675, 0.9318266, 1.2590092, 2.0049806, 0.053736903]);
  });

  test('only the low 32 bits of a uint64 seed reach mt19937; negative seeds wrap like torch', () => {
    const expected = [-2.6642976, -1.0910486, 0.45144743, 0.2283607, 1.8986179, 1.5642089, -1.2553997,
      0.79364425, -1.7514946, -0.7096747, 1.2182662, 0.22224647, -2.5158842, 0.48375222, 0.84178656, 0.14090961,
      1.7933999, 1.7220553, 0.77004033, -1.4820665, -0.86367506, -0.10301631, -1.2180537, -0.95395833,
      0.7631783, -0.99843055, 0.68181765, -1.1006033, 1.5622407, -1.8858197, -1.0488554, -0.7110392, 0.04037104];
    for (const seed of [4294967295, -1, (1n << 64n) - 1n]) expectBits(createRng(seed).randn(33), expected);
    expect(createRng(-1).seed).toBe((1n << 64n) - 1n); // torch: initial_seed() == 2**64 - 1
    expect(createRng(2 ** 32 + 5).randn(20)).toEqual(createRng(5).randn(20));
  });

  test('the same seed gives the same stream; another seed does not', () => {
    const a = createRng(123);
    const b = createRng(123);
    expect(a.randn(300)).toEqual(b.randn(300));
    expect(a.randn(5)).toEqual(b.randn(5));
    expect(createRng(124).randn(300)).not.toEqual(createRng(123).randn(300));
    expect(createRng(9).seed).toBe(9n);
  });

  test('rejects seeds that are not 64-bit integers and bad counts', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(1n << 64n)).toThrow(RangeError);
    expect(() => createRng(Number.MAX_SAFE_INTEGER + 2)).toThrow(RangeError);
    expect(() => createRng(1).randn(-1)).toThrow(RangeError);
    expect(createRng(1).randn(0)).toHaveLength(0);
  });
});

describe('randomSeed', () => {
  test('returns 32-bit non-negative integers that vary', () => {
    const seeds = Array.from({ length: 16 }, () => randomSeed());
    for (const s of seeds) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 32);
    }
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});
