// Steady-state UNet time of a run: every evaluation's time replaced by the median time of its kind (full,
// shallow, skip) in that run. The first use of each graph variant pays one-off costs (WebGPU shader
// compilation: 1.17 s vs 0.23 s for the same 30 evaluations on an H200), which are not what a speed-up
// should measure; a median per kind drops them without dropping any evaluation.
import { median } from '../common/stats';

export interface TimedStep {
  readonly kind: string;
  readonly seconds: number;
}


export function steadyLoopSeconds(steps: readonly TimedStep[]): number {
  const byKind = new Map<string, number[]>();
  for (const s of steps) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s.seconds]);
  let total = 0;
  for (const times of byKind.values()) total += median(times) * times.length;
  return total;
}
