// What a schedule costs before it runs: multiply-accumulates of each kind of evaluation, counted from the
// graphs the engine would build for this model and size (convolutions, matrix products, attention;
// norms and element-wise ops are ignored). A pruned evaluation includes DaTo's own similarity products.
import type { Sd1Model } from '../models/sd1-model';
import { SEGMENT_ORDER, PRUNABLE_SEGMENTS, type SegmentName } from '../models/unet/partition';
import { windowCount } from './base-tokens';
import type { AccelPlan } from './plan';

export interface PlanCost {
  /** MACs of one full evaluation (batch of 2 rows: uncond + cond). */
  readonly fullMacs: number;
  /** Estimated MACs of the whole plan divided by (evaluations × full). */
  readonly macFraction: number;
  /** 1 / macFraction: the speed-up the arithmetic allows. */
  readonly idealSpeedup: number;
}

export function estimatePlanCost(model: Sd1Model, plan: AccelPlan, latentHeight: number, latentWidth: number): PlanCost {
  const shapes = { batch: 2, height: latentHeight, width: latentWidth, contextLength: 77 };
  const variant = { dtype: 'float32' as const, dynamic: false, shapes };
  const tokens = latentHeight * latentWidth;
  const segmentMacs = (seg: SegmentName, pruneCount?: number): number => {
    const r = model.partition[seg];
    return r.to > r.from ? model.unetSegment(seg, variant, pruneCount).graph.macs : 0;
  };
  const plain = new Map(SEGMENT_ORDER.map((s) => [s, segmentMacs(s)]));
  const pruned = new Map<number, Map<SegmentName, number>>();
  const prunedMacs = (seg: SegmentName, count: number): number => {
    if (!PRUNABLE_SEGMENTS.has(seg) || count === 0) return plain.get(seg)!;
    if (!pruned.has(count)) pruned.set(count, new Map());
    const m = pruned.get(count)!;
    if (!m.has(seg)) m.set(seg, segmentMacs(seg, count));
    return m.get(seg)!;
  };
  const full = SEGMENT_ORDER.reduce((sum, s) => sum + plain.get(s)!, 0);
  let total = 0;
  plan.kinds.forEach((kind, k) => {
    if (kind === 'skip') return;
    const count = Math.min(tokens - windowCount(latentHeight, latentWidth), Math.floor(plan.pruneRatios[k]! * tokens));
    const segments: readonly SegmentName[] = kind === 'full' ? SEGMENT_ORDER
      : kind === 'medium' ? SEGMENT_ORDER.filter((s) => s !== 'core') : ['head', 'tail'];
    for (const s of segments) total += prunedMacs(s, count);
  });
  const macFraction = total / (full * plan.kinds.length);
  return { fullMacs: full, macFraction, idealSpeedup: 1 / macFraction };
}
