// Ref: openaimodel.py Downsample (conv 3×3 stride 2 pad 1) and Upsample (nearest ×2, conv 3×3).
import { attr, type Tensor } from '../../graph/graph';
import { conv2d } from '../../graph/ops/nn';
import { concat, shapeOf, slice } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';

export function downsample(s: Scope, x: Tensor): Tensor {
  return conv2d(s.at('op'), x, { stride: 2, pad: 1 }); // [N, C, ⌈H/2⌉, ⌈W/2⌉]
}

/**
 * Nearest-neighbour upsampling to the spatial size of `skip` (the tensor it is concatenated with next),
 * then a 3×3 conv. Sizing from the skip, as diffusers' `upsample_size`, makes latents that are not a
 * multiple of 2^levels work (a 520-px image has a 65-px latent: 65 → 33 → 66 would not match).
 * asymmetric + floor is exactly torch's F.interpolate(mode='nearest').
 */
export function upsample(s: Scope, x: Tensor, skip: Tensor): Tensor {
  const sizes = concat([slice(shapeOf(x), 0, 0, 2), slice(shapeOf(skip), 0, 2, 4)], 0);
  const [n, c] = x.shape as [number, number];
  const up = x.g.node('Resize', [x, null, null, sizes], {
    mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor'),
  }, [{ dtype: x.dtype, shape: [n, c, skip.shape[2]!, skip.shape[3]!] }])[0]!;
  return conv2d(s.at('conv'), up, { pad: 1 });
}
