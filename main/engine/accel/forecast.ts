// Feature forecasting for reused steps: instead of repeating the last computed value (the official
// DeepCache/DaTo reuse), extrapolate it linearly in the timestep from the last two computed values,
//   v(t) ≈ v(t₁) + (v(t₁) − v(t₀))·(t − t₁)/(t₁ − t₀),
// a first-order Taylor step as in TaylorSeer / FORA-style forecasting. For deterministic DDIM a repeated
// ε is exactly a larger DDIM step, so repetition alone can never beat sampling with fewer steps; the
// extrapolated ε and features keep the 30-step trajectory's curvature for almost no arithmetic.

export interface Sample { readonly t: number; readonly value: Float32Array }

/** The last two samples of one quantity (ε, or a cached feature map). */
export class ForecastHistory {
  private older: Sample | undefined;
  private newer: Sample | undefined;

  reset(): void {
    this.older = undefined;
    this.newer = undefined;
  }

  push(t: number, value: Float32Array): void {
    this.older = this.newer;
    this.newer = { t, value };
  }

  get latest(): Float32Array | undefined {
    return this.newer?.value;
  }

  /** The value at `t`: extrapolated when two samples at different times exist, else the latest one. */
  at(t: number): Float32Array | undefined {
    const a = this.older;
    const b = this.newer;
    if (!b) return undefined;
    if (!a || a.t === b.t) return b.value;
    return extrapolate(a, b, t);
  }
}

export function extrapolate(a: Sample, b: Sample, t: number): Float32Array {
  const f = (t - b.t) / (b.t - a.t);
  const out = new Float32Array(b.value.length);
  const va = a.value;
  const vb = b.value;
  for (let j = 0; j < out.length; j++) out[j] = vb[j]! + f * (vb[j]! - va[j]!);
  return out;
}
