// What a schedule costs before it runs: multiply-accumulates of each kind of evaluation, counted from the
// graphs the engine would build for this model and size (convolutions, matrix products, attention;
// norms and element-wise ops are ignored). A pruned evaluation includes DaTo's own similarity products.
import { CONTEXT_LENGTH } from '../models/clip/tokenizer';
import type { Sd1Model } from '../models/sd1-model';
import { SEGMENT_ORDER, PRUNABLE_SEGMENTS, type SegmentName } from '../models/unet/partition';
import { windowCount } from './base-tokens';
import type { AccelPlan } from './plan';
import type { StepKind } from './schedule';

export interface PlanCost {
  /** MACs of one full evaluation (batch of 2 rows: uncond + cond). */
  readonly fullMacs: number;
  /** Estimated MACs of the whole plan divided by (evaluations × full). */
  readonly macFraction: number;
  /** 1 / macFraction: the speed-up the arithmetic allows. */
  readonly idealSpeedup: number;
}

/** MACs of one evaluation of each kind at this size, memoised per (kind, pruned tokens). */
export type EvaluationMacs = (kind: StepKind, pruneCount: number) => number;

export function evaluationMacs(model: Sd1Model, latentHeight: number, latentWidth: number): { full: number; of: EvaluationMacs; head: number } {
  const shapes = { batch: 2, height: latentHeight, width: latentWidth, contextLength: CONTEXT_LENGTH };
  const variant = { dtype: 'float32' as const, dynamic: false, shapes };
  const memo = new Map<string, number>();
  const segmentMacs = (seg: SegmentName, count: number): number => {
    const key = `${seg}|${PRUNABLE_SEGMENTS.has(seg) ? count : 0}`;
    if (!memo.has(key)) {
      const r = model.partition[seg];
      memo.set(key, r.to > r.from ? model.unetSegment(seg, variant, PRUNABLE_SEGMENTS.has(seg) && count > 0 ? count : undefined).graph.macs : 0);
    }
    return memo.get(key)!;
  };
  const full = SEGMENT_ORDER.reduce((sum, s) => sum + segmentMacs(s, 0), 0);
  const of: EvaluationMacs = (kind, count) => {
    const segments: readonly SegmentName[] = kind === 'full' ? SEGMENT_ORDER
      : kind === 'medium' ? SEGMENT_ORDER.filter((s) => s !== 'core') : kind === 'shallow' ? ['head', 'tail'] : [];
    return segments.reduce((sum, s) => sum + segmentMacs(s, count), 0);
  };
  return { full, of, head: segmentMacs('head', 0) };
}

/** Tokens a ratio prunes in each pruned block (base tokens are never pruned). */
export function prunedTokenCount(ratio: number, latentHeight: number, latentWidth: number): number {
  const tokens = latentHeight * latentWidth;
  return Math.min(tokens - windowCount(latentHeight, latentWidth), Math.floor(ratio * tokens));
}

/** MAC fraction of a schedule given per-evaluation MACs. */
export function macFraction(macs: { full: number; of: EvaluationMacs }, kinds: readonly StepKind[], pruneCounts: readonly number[]): number {
  let total = 0;
  kinds.forEach((kind, k) => { total += macs.of(kind, pruneCounts[k]!); });
  return total / (macs.full * kinds.length);
}

export function estimatePlanCost(model: Sd1Model, plan: AccelPlan, latentHeight: number, latentWidth: number): PlanCost {
  const macs = evaluationMacs(model, latentHeight, latentWidth);
  const counts = plan.pruneRatios.map((r) => prunedTokenCount(r, latentHeight, latentWidth));
  // the adaptive rule runs the head on every step for its signal, the steps it then reuses included
  const probes = plan.adaptive ? plan.kinds.filter((k) => k === 'skip').length : 0;
  const fraction = macFraction(macs, plan.kinds, counts) + (probes * macs.head) / (macs.full * plan.kinds.length);
  return { fullMacs: macs.full, macFraction: fraction, idealSpeedup: 1 / fraction };
}
