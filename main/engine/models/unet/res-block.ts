// Ref: ldm/modules/diffusionmodules/openaimodel.py ResBlock (no scale-shift norm, no up/down).
import type { Tensor } from '../../graph/graph';
import { add, silu } from '../../graph/ops/elementwise';
import { conv2d, groupNorm, linear } from '../../graph/ops/nn';
import { unsqueeze } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';

const GN_GROUPS = 32;
const GN_EPS = 1e-5;

/** x [N, C_in, H, W], emb [N, 4·model_channels] → [N, C_out, H, W]. */
export function resBlock(s: Scope, x: Tensor, emb: Tensor): Tensor {
  let h = groupNorm(s.at('in_layers.0'), x, GN_GROUPS, GN_EPS);
  // in_layers.1 is SiLU
  h = conv2d(s.at('in_layers.2'), silu(h), { pad: 1 }); // [N, C_out, H, W]
  const embSilu = x.g.cached(`silu:${emb.name}`, () => silu(emb)); // emb_layers.0 is SiLU, shared by all blocks
  h = add(h, unsqueeze(linear(s.at('emb_layers.1'), embSilu), [2, 3])); // + [N, C_out, 1, 1]
  h = groupNorm(s.at('out_layers.0'), h, GN_GROUPS, GN_EPS);
  // out_layers.1 is SiLU, out_layers.2 is Dropout (absent at inference; the index keeps names aligned)
  h = conv2d(s.at('out_layers.3'), silu(h), { pad: 1 }); // [N, C_out, H, W]
  const skip = s.has('skip_connection') ? conv2d(s.at('skip_connection'), x) : x; // 1×1 when C changes
  return add(skip, h);
}
