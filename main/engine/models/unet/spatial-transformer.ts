// Ref: ldm/modules/attention.py SpatialTransformer, BasicTransformerBlock, CrossAttention, FeedForward(GEGLU).
import type { Tensor } from '../../graph/graph';
import { add, cast, gelu, mul } from '../../graph/ops/elementwise';
import { multiHeadAttention } from '../../graph/ops/attention';
import { conv2d, groupNorm, layerNorm, linear } from '../../graph/ops/nn';
import { reshape, reshapeAs, split, transpose } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';
import { prunedSelfAttention, type TokenPruning } from '../../accel/token-pruning-graph';

const GN_EPS = 1e-6;
const LN_EPS = 1e-5;

/**
 * CrossAttention: q from x, k/v from `context` (= x for self-attention); to_q/k/v have no bias. With
 * `upcast` an fp16 graph runs the attention itself (q·kᵀ, softmax, ·v) in float32, as ldm's
 * `ATTN_PRECISION = "fp32"` does for SD 2.x; projections stay fp16.
 */
export function attention(s: Scope, x: Tensor, context: Tensor, heads: number, upcast = false): Tensor {
  const q = linear(s.at('to_q'), x); // [B, N, C]
  const k = linear(s.at('to_k'), context); // [B, L, C]
  const v = linear(s.at('to_v'), context); // [B, L, C]
  const wide = upcast && q.dtype === 'float16';
  const up = (t: Tensor): Tensor => (wide ? cast(t, 'float32') : t);
  const out = multiHeadAttention(up(q), up(k), up(v), { numHeads: heads });
  // to_out.1 is Dropout
  return linear(s.at('to_out.0'), wide ? cast(out, 'float16') : out);
}

/** Heads of one transformer's attention layers, and whether they run in float32 in fp16 graphs. */
export interface AttentionHeads { readonly heads: number; readonly upcast: boolean }

/** FeedForward with GEGLU: proj to 2·inner, split (value, gate), value·gelu(gate), project back. */
export function feedForward(s: Scope, x: Tensor): Tensor {
  const [value, gate] = split(linear(s.at('net.0.proj'), x), -1, 2) as [Tensor, Tensor]; // 2 × [B, N, 4C]
  // net.1 is Dropout
  return linear(s.at('net.2'), mul(value, gelu(gate))); // [B, N, C]
}

/** x [B, N, C] tokens, context [B, L, D]. With `pruning`, self-attention runs on DaTo's kept tokens only. */
export function basicTransformerBlock(s: Scope, x: Tensor, context: Tensor, a: AttentionHeads, pruning?: TokenPruning): Tensor {
  const n1 = layerNorm(s.at('norm1'), x, LN_EPS);
  const selfAttn = pruning
    ? prunedSelfAttention(x, n1, pruning, (kept) => attention(s.at('attn1'), kept, kept, a.heads, a.upcast))
    : attention(s.at('attn1'), n1, n1, a.heads, a.upcast);
  x = add(x, selfAttn);
  x = add(x, attention(s.at('attn2'), layerNorm(s.at('norm2'), x, LN_EPS), context, a.heads, a.upcast));
  return add(x, feedForward(s.at('ff'), layerNorm(s.at('norm3'), x, LN_EPS)));
}

/** x [B, C, H, W] → same shape. proj_in/proj_out are 1×1 convs (SD1) or linears (use_linear_in_transformer). */
export function spatialTransformer(s: Scope, x: Tensor, context: Tensor, heads: AttentionHeads, pruning?: TokenPruning): Tensor {
  const linearProj = s.shape('proj_in.weight').length === 2;
  let h = groupNorm(s.at('norm'), x, 32, GN_EPS);
  if (!linearProj) h = conv2d(s.at('proj_in'), h);
  const spatial = h; // [B, C, H, W]
  let tokens = transpose(reshape(h, [0, 0, -1]), [0, 2, 1]); // [B, H·W, C]
  if (linearProj) tokens = linear(s.at('proj_in'), tokens);
  for (let j = 0; s.has(`transformer_blocks.${j}`); j++) {
    tokens = basicTransformerBlock(s.at(`transformer_blocks.${j}`), tokens, context, heads, pruning);
  }
  if (linearProj) tokens = linear(s.at('proj_out'), tokens);
  h = reshapeAs(transpose(tokens, [0, 2, 1]), spatial); // [B, C, H, W]
  if (!linearProj) h = conv2d(s.at('proj_out'), h);
  return add(h, x);
}
