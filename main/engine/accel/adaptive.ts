// Adaptive schedules: no search, each step decides at run time whether to recompute the UNet or reuse
// (forecast) the last result. The signal is the First-Block-Cache / TeaCache one: the relative L1 change of
// the head's output (the first block, which runs on every step anyway) accumulated since the last full
// step. Where the input moves little, the output does too, and a forecast step is enough; once the
// accumulated change reaches the threshold, the next full step refreshes everything.
import type { StepKind } from './schedule';

export interface AdaptiveRuleSettings {
  /** Accumulated relative L1 change of the head's output that triggers a full step. */
  readonly threshold: number;
}

/** Gives ≥ 3× (MAC) on the embedded demo model at DDIM 30 (README, "Acceleration modes"). */
export const ADAPTIVE_DEFAULT_THRESHOLD = 0.16;

/** Σ|a − b| / Σ|b|. */
export function relativeL1(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let j = 0; j < a.length; j++) {
    diff += Math.abs(a[j]! - b[j]!);
    norm += Math.abs(b[j]!);
  }
  return norm > 0 ? diff / norm : diff > 0 ? Infinity : 0;
}

export class AdaptiveRule {
  private previous: Float32Array | undefined;
  private accumulated = 0;

  constructor(private readonly settings: AdaptiveRuleSettings) {}

  reset(): void {
    this.previous = undefined;
    this.accumulated = 0;
  }

  /** The kind of the step whose head produced `headOutput` (the first step is always full). */
  decide(headOutput: Float32Array): StepKind {
    const previous = this.previous;
    this.previous = headOutput;
    if (!previous) return 'full';
    this.accumulated += relativeL1(headOutput, previous);
    if (this.accumulated < this.settings.threshold) return 'skip';
    this.accumulated = 0;
    return 'full';
  }
}
