// Seeded standard-normal noise that reproduces PyTorch's CPU generator bit for bit, so a seed gives the
// same initial latent (and the same ancestral noise) as `torch.manual_seed(seed); torch.randn(shape)`,
// which is what AUTOMATIC1111 does with its "CPU" random-number source.
//
// What is torch-compatible:
// - the generator: mt19937 seeded like CPUGeneratorImpl (the seed is a uint64, only its low 32 bits reach
//   mt19937), one stream per createRng() that successive randn() calls continue, as successive
//   torch.randn() calls on one generator do (including the cached second Box-Muller value of the
//   scalar path, which survives across calls like torch's next_double_normal_sample);
// - randn(count) for count >= 16: torch's vectorised normal_fill (24-bit uniforms, Box-Muller on pairs
//   (j, j + 8) of each block of 16, a tail recomputed from 16 fresh uniforms) with the float32 log/sincos
//   polynomials of avx_mathfun.h, i.e. the kernel torch runs on every x86-64 CPU with AVX2 (AVX-512 CPUs
//   use it too: normal_stub has no AVX-512 kernel), including GCC's fusing of multiply-adds into FMAs.
//   Bit-exact against torch 1.13.1 (Debian's GCC build, x86-64) over 6 million values;
// - randn(count) for count < 16: the scalar path, normal_distribution<double> cast to float32.
//   Math.log/sin/cos here and glibc's may differ in the last bit of a double, which reaches the float32
//   result only when it sits on a rounding boundary (about once in 10^8 values).
// What is not: torch builds without the AVX2 kernel (aarch64, e.g. Apple Silicon) use libm's float32
// log/sin/cos in normal_fill and differ from x86 in the last bits; a torch build whose compiler does not
// fuse those multiply-adds (unverified: MSVC-built Windows wheels may not) differs in the last bit of about
// 1% of the values; CUDA/MPS generators are other streams altogether.
// Only the element count matters, not the shape: randn(4*64*64) equals torch.randn(1, 4, 64, 64).
//
// Ref: pytorch aten/src/ATen/core/MT19937RNGEngine.h, CPUGeneratorImpl.cpp, core/DistributionsHelper.h,
//      core/TransformationHelper.h (uniform_real), native/cpu/DistributionTemplates.h (normal_fill_AVX2),
//      native/cpu/avx_mathfun.h (log256_ps, sincos256_ps).

import { randomBytes } from 'node:crypto';
import type { NoiseSource } from '../schedulers/scheduler';

export type Rng = NoiseSource & { readonly seed: bigint };

const f32 = Math.fround;

// ---- mt19937 (at::mt19937: the standard generator, 32-bit seeding) ----

const MT_N = 624;
const MT_M = 397;

class Mt19937 {
  private readonly state = new Uint32Array(MT_N);
  private next = MT_N;

  constructor(seed32: number) {
    this.state[0] = seed32 >>> 0;
    for (let i = 1; i < MT_N; i++) {
      const prev = this.state[i - 1]!;
      this.state[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.next >= MT_N) this.twist();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < MT_N; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % MT_N]! & 0x7fffffff);
      s[i] = (s[(i + MT_M) % MT_N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.next = 0;
  }
}

// ---- uniforms (transformation::uniform_real: the low `digits` bits of the raw draw, times 2^-digits) ----

/** uniform_real_distribution<float>: 24 bits of one 32-bit draw. */
function uniformFloat(mt: Mt19937): number {
  return (mt.nextUint32() & 0xffffff) * 2 ** -24;
}

/** uniform_real_distribution<double>: 53 bits of random64() = (first draw << 32) | second draw. */
function uniformDouble(mt: Mt19937): number {
  const hi = mt.nextUint32() & 0x1fffff;
  const lo = mt.nextUint32();
  return (hi * 2 ** 32 + lo) * 2 ** -53;
}

// ---- avx_mathfun.h, one lane, every operation rounded to float32 like the AVX instructions ----
// GCC builds torch with -ffp-contract=fast, so a multiply whose only use is an add becomes one FMA
// (single rounding); where an add has two products as operands, the earlier one is fused. Emulating that
// is what makes the result bit-exact (without it about 1% of the values differ in the last bit).

const bitsView = new DataView(new ArrayBuffer(4));
function floatBits(x: number): number {
  bitsView.setFloat32(0, x);
  return bitsView.getUint32(0);
}
function bitsFloat(bits: number): number {
  bitsView.setUint32(0, bits >>> 0);
  return bitsView.getFloat32(0);
}

/** Correctly rounded float32 fma(a, b, c) for float32 inputs (a*b is exact in float64; TwoSum fixes ties). */
function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const t = s - p;
  const err = (p - (s - t)) + (c - t);
  const rounded = f32(s);
  if (err === 0 || rounded === s) return rounded;
  // s is not a float32: only when it sits exactly halfway between two floats does err decide the side.
  const towardS = s > rounded ? 1 : -1;
  const neighbour = bitsFloat(floatBits(rounded) + ((rounded > 0) === (towardS > 0) ? 1 : -1));
  if (s !== (rounded + neighbour) / 2) return rounded;
  return err > 0 ? Math.max(rounded, neighbour) : Math.min(rounded, neighbour);
}

// eslint-disable-next-line no-loss-of-precision -- digits exactly as in avx_mathfun.h; f32() rounds them
const SQRTHF = f32(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f32);
const LOG_Q1 = f32(-2.12194440e-4);
const LOG_Q2 = f32(0.693359375);

/** log256_ps for one positive, normal float32 `x` (torch only passes 1 - u, u in [0, 1)). */
function avxLog(x: number): number {
  const bits = floatBits(x);
  let e = f32(((bits >>> 23) - 0x7f) + 1);
  let m = bitsFloat((bits & ~0x7f800000) | 0x3f000000); // mantissa in [0.5, 1)
  if (m < SQRTHF) {
    e = f32(e - 1);
    m = f32(f32(m - 1) + m);
  } else {
    m = f32(m - 1);
  }
  const z = f32(m * m);
  let y = LOG_P[0]!;
  for (let k = 1; k < LOG_P.length; k++) y = fmaF32(y, m, LOG_P[k]!);
  y = fmaF32(f32(y * m), z, f32(e * LOG_Q1)); // y*x*z + e*q1: the product y*z is the fused one
  y = fmaF32(-z, 0.5, y);
  return fmaF32(e, LOG_Q2, f32(m + y));
}

const FOPI = f32(1.27323954473516);
const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
// eslint-disable-next-line no-loss-of-precision -- digits exactly as in avx_mathfun.h; f32() rounds them
const MINUS_DP3 = f32(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f32);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f32);

/** sincos256_ps for one float32 `x >= 0` (torch passes 2*pi*u, u in [0, 1)). Returns [sin, cos]. */
function avxSinCos(x: number): [number, number] {
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = j; // an even integer, exact in float32
  const flipSin = (j & 4) !== 0;
  const flipCos = (~(j - 2) & 4) !== 0;
  const sinPolyHere = (j & 2) === 0; // the sine polynomial gives sin; otherwise it gives cos
  // Extended-precision reduction: x = ((x - y*DP1) - y*DP2) - y*DP3
  let r = fmaF32(y, MINUS_DP1, x);
  r = fmaF32(y, MINUS_DP2, r);
  r = fmaF32(y, MINUS_DP3, r);
  const z = f32(r * r);
  let c = fmaF32(COS_P[0]!, z, COS_P[1]!);
  c = fmaF32(c, z, COS_P[2]!);
  c = fmaF32(f32(c * z), z, -f32(z * 0.5)); // c*z*z - z/2: the product c*z*z is the fused one
  c = f32(c + 1);
  let s = fmaF32(SIN_P[0]!, z, SIN_P[1]!);
  s = fmaF32(s, z, SIN_P[2]!);
  s = fmaF32(f32(s * z), r, r);
  const sin = sinPolyHere ? s : c;
  const cos = sinPolyHere ? c : s;
  return [flipSin ? -sin : sin, flipCos ? -cos : cos];
}

const TWO_PI_F32 = f32(2 * Math.PI);

/** normal_fill_16_AVX2: Box-Muller on (data[j], data[j + 8]), j < 8, in place (mean 0, std 1). */
function boxMuller16(data: Float32Array, offset: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[offset + j]!);
    const u2 = data[offset + j + 8]!;
    const radius = f32(Math.sqrt(f32(-2 * avxLog(u1))));
    const [sin, cos] = avxSinCos(f32(TWO_PI_F32 * u2));
    data[offset + j] = f32(radius * cos);
    data[offset + j + 8] = f32(radius * sin);
  }
}

// ---- the generator ----

class TorchCpuRng implements Rng {
  readonly seed: bigint;
  private readonly mt: Mt19937;
  /** normal_distribution<double>'s cached second value (torch: next_double_normal_sample). */
  private cachedNormal: number | null = null;

  constructor(seed: bigint) {
    this.seed = seed;
    this.mt = new Mt19937(Number(seed & 0xffffffffn));
  }

  randn(count: number): Float32Array {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad element count ${count}`);
    const out = new Float32Array(count);
    if (count >= 16) this.fillVectorised(out);
    else for (let i = 0; i < count; i++) out[i] = this.scalarNormal();
    return out;
  }

  /** normal_fill_AVX2: uniforms for every element, blocks of 16, the tail recomputed from fresh uniforms. */
  private fillVectorised(out: Float32Array): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = uniformFloat(this.mt);
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = 0; i < 16; i++) out[start + i] = uniformFloat(this.mt);
      boxMuller16(out, start);
    }
  }

  /** at::normal_distribution<double>: theta from the first uniform, radius from the second. */
  private scalarNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = uniformDouble(this.mt);
    const u2 = uniformDouble(this.mt);
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

const UINT64_LIMIT = 1n << 64n;

/**
 * A generator seeded like `torch.manual_seed(seed)`. Negative seeds wrap to uint64 as in torch; only the
 * low 32 bits change the stream (torch's CPU generator does the same).
 */
export function createRng(seed: number | bigint): Rng {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`Seed must be an integer, got ${seed}`);
  }
  const big = BigInt(seed);
  if (big < -(1n << 63n) || big >= UINT64_LIMIT) throw new RangeError(`Seed ${big} does not fit in 64 bits`);
  return new TorchCpuRng(BigInt.asUintN(64, big));
}

/** A fresh 32-bit non-negative seed from the OS's cryptographic source. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
