// DaTo token pruning inside one transformer block's self-attention, as a graph fragment, so that on a GPU
// the selection, gathers and scatter never leave the device. The caller supplies the base tokens (one per
// 2×2 window, chosen from the step's dynamics in accel/base-tokens.ts) and the number of tokens to prune.
// Semantics: the official DaTo code (EvelynZhang-epiclab/DaTo sd1/scripts/datosd/dato.py,
// patch.py make_dato_block), as documented in shared/reference/tiny-sd1/README.md §7.2:
//   metric = x / fp16(‖x‖);  s(a) = max_{j∈base} metric_a·metric_j  for every non-base token a;
//   the `count` non-base tokens with the largest s are pruned; attention runs on the kept tokens;
//   a pruned token p takes the output of the kept token k maximising metric_k·metric_p.
import type { Tensor } from '../graph/graph';
import { cast, constantOf, div, mul, sqrt } from '../graph/ops/elementwise';
import {
  batchGather, dim1Of, dimOf, expandTo, fillLike, range, scatterElements, sliceDynamic,
} from '../graph/ops/indexing';
import { matmul } from '../graph/ops/linalg';
import { argMax, reduceMax, reduceSum, topKIndices } from '../graph/ops/reduce';
import { concat, shapeOf, transpose, unsqueeze } from '../graph/ops/shape';

export interface TokenPruning {
  /** int64 [B, N/4]: the base token of every window, per batch row (cond rows repeat the uncond rows). */
  readonly base: Tensor;
  /** int64 [1]: how many non-base tokens to prune (⌊ratio·N⌋). */
  readonly count: Tensor;
  /** `count`'s value for build-time shapes only. */
  readonly exampleCount: number;
}

/** Cosine-similarity metric with the norm rounded to fp16, as the official code computes it under autocast. */
function similarityMetric(x: Tensor): Tensor {
  const norm = sqrt(reduceSum(mul(x, x), -1)); // [B, N, 1]
  return div(x, cast(cast(norm, 'float16'), x.dtype)); // [B, N, C]
}

export interface TokenSelection {
  /** int64 [B, P]: pruned tokens. */
  readonly pruned: Tensor;
  /** int64 [B, K]: kept tokens (non-base and base), K = N − P. */
  readonly kept: Tensor;
  /** int64 [B, P]: for each pruned token, the position in `kept` of the token whose output it copies. */
  readonly source: Tensor;
}

/** Which tokens self-attention skips, and where each skipped token takes its output from. */
export function selectTokens(x: Tensor, pruning: TokenPruning): TokenSelection {
  const [, n] = x.shape as [number, number, number];
  const nPruned = pruning.exampleCount;
  const metric = similarityMetric(x);

  // 1. Score every token by its best match among the base tokens; base tokens themselves sort last.
  const baseMetric = batchGather(metric, pruning.base); // [B, Nb, C]
  const score = reduceMax(matmul(metric, transpose(baseMetric, [0, 2, 1])), -1, false); // [B, N]
  const lowest = constantOf(score, score.dtype, [], [score.dtype === 'float16' ? -65504 : -3.4e38]);
  const ranked = scatterElements(score, pruning.base, fillLike(pruning.base, lowest)); // [B, N]

  // 2. Sort all tokens by that score: the first `count` are pruned, the rest (base tokens included) kept.
  const order = topKIndices(ranked, dim1Of(ranked, 1), n); // [B, N]
  const pruned = sliceDynamic(order, 1, constantOf(order, 'int64', [1], [0]), pruning.count, nPruned); // [B, P]
  const kept = sliceDynamic(order, 1, pruning.count, constantOf(order, 'int64', [1], [Number.MAX_SAFE_INTEGER]), n - nPruned); // [B, K]

  // 3. Each pruned token copies the kept token it is most similar to.
  const sim = matmul(batchGather(metric, pruned), transpose(batchGather(metric, kept), [0, 2, 1])); // [B, P, K]
  return { pruned, kept, source: argMax(sim, 2) };
}

/**
 * x: block input [B, N, C] (similarity is measured on it), xNorm: norm1(x) (attention input),
 * attend: self-attention over a token subset [B, K, C] → [B, K, C]. Returns the recovered attention
 * output for all N tokens (the caller adds the residual).
 */
export function prunedSelfAttention(
  x: Tensor, xNorm: Tensor, pruning: TokenPruning, attend: (kept: Tensor) => Tensor,
): Tensor {
  const { pruned, kept, source } = selectTokens(x, pruning);
  const [b] = x.shape as [number];
  const nKept = kept.shape[1]!;

  // Attention over the kept tokens only.
  const attended = attend(batchGather(xNorm, kept)); // [B, K, C]

  // Token t reads row map[t] of `attended`: its own row if kept, its source's row if pruned.
  const keptRows = range(dimOf(kept, 1), nKept); // [K]
  const keptPositions = expandTo(unsqueeze(keptRows, [0]), shapeOf(kept), [b, nKept]); // [B, K]
  const order = concat([pruned, kept], 1); // [B, N]
  const rowOf = concat([source, keptPositions], 1); // [B, N], aligned with `order`
  const map = scatterElements(fillLike(order, constantOf(order, 'int64', [], [0])), order, rowOf); // [B, N]
  return batchGather(attended, map); // [B, N, C]
}
