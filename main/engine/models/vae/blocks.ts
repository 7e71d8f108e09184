// The blocks the KL autoencoder's encoder and decoder share.
// Ref: ldm/modules/diffusionmodules/model.py (ResnetBlock, AttnBlock, Normalize).
import type { Tensor } from '../../graph/graph';
import { add, silu } from '../../graph/ops/elementwise';
import { multiHeadAttention } from '../../graph/ops/attention';
import { conv2d, groupNorm, linear } from '../../graph/ops/nn';
import { reshape, reshapeAs, transpose } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';

/** ldm's Normalize: GroupNorm(32 groups, eps 1e-6). */
export const GN_GROUPS = 32;
export const GN_EPS = 1e-6;

/** ResnetBlock without a time embedding (temb_channels = 0 in the autoencoder). */
export function resnetBlock(s: Scope, x: Tensor): Tensor {
  let h = conv2d(s.at('conv1'), silu(groupNorm(s.at('norm1'), x, GN_GROUPS, GN_EPS)), { pad: 1 });
  h = conv2d(s.at('conv2'), silu(groupNorm(s.at('norm2'), h, GN_GROUPS, GN_EPS)), { pad: 1 }); // dropout skipped
  const skip = s.has('nin_shortcut') ? conv2d(s.at('nin_shortcut'), x) : x;
  return add(skip, h);
}

/** Single-head self-attention over all pixels; q/k/v/proj_out are 1×1 convs applied as linears on tokens. */
export function attnBlock(s: Scope, x: Tensor): Tensor {
  const h = groupNorm(s.at('norm'), x, GN_GROUPS, GN_EPS);
  const tokens = transpose(reshape(h, [0, 0, -1]), [0, 2, 1]); // [B, HW, C]
  const q = linear(s.at('q'), tokens);
  const k = linear(s.at('k'), tokens);
  const v = linear(s.at('v'), tokens);
  const out = linear(s.at('proj_out'), multiHeadAttention(q, k, v, { numHeads: 1 })); // [B, HW, C]
  return add(x, reshapeAs(transpose(out, [0, 2, 1]), x));
}

/** The middle of both halves: ResnetBlock → AttnBlock → ResnetBlock at the lowest resolution. */
export function midBlock(s: Scope, x: Tensor): Tensor {
  return resnetBlock(s.at('block_2'), attnBlock(s.at('attn_1'), resnetBlock(s.at('block_1'), x)));
}

/** norm_out → swish → conv_out, the last layers of both halves. */
export function outputHead(s: Scope, x: Tensor): Tensor {
  return conv2d(s.at('conv_out'), silu(groupNorm(s.at('norm_out'), x, GN_GROUPS, GN_EPS)), { pad: 1 });
}
