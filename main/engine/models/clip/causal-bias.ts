// The causal attention mask CLIP-style text encoders use: token i sees tokens j ≤ i. Added to the logits,
// so masked entries get the dtype's lowest finite value (transformers uses float32 min; open_clip's -inf
// gives the same softmax, since the diagonal is never masked).
import type { Tensor } from '../../graph/graph';
import { constantOf } from '../../graph/ops/elementwise';

export function causalBias(like: Tensor, n: number): Tensor {
  const lowest = like.dtype === 'float16' ? -65504 : -3.4028234663852886e38;
  const values = Array.from({ length: n * n }, (_, k) => (k % n > Math.floor(k / n) ? lowest : 0));
  return constantOf(like, like.dtype, [1, 1, n, n], values);
}
