// Attention through com.microsoft.MultiHeadAttention: one fused kernel on CPU, CUDA, DirectML and WebGPU
// (on WebGPU 4-6x faster than MatMul→Softmax→MatMul). Inputs are [B, S, heads·head_dim], head-major.
import { attr, type Tensor } from '../graph';

export interface AttentionOptions {
  numHeads: number;
  /** Added to the attention logits, broadcast as [B or 1, heads or 1, S, L] (e.g. a causal mask). */
  bias?: Tensor;
  /** Defaults to head_dim^-0.5. */
  scale?: number;
}

export function multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const [b, sq, d] = q.shape as [number, number, number];
  if (d % opts.numHeads !== 0) throw new Error(`attention: ${d} channels do not split into ${opts.numHeads} heads`);
  if (k.shape[2] !== d) throw new Error(`attention: key width ${k.shape[2]} differs from query width ${d}`);
  q.g.macs += 2 * b * sq * k.shape[1]! * d; // q·kᵀ and softmax·v
  const attrs: Record<string, ReturnType<typeof attr.int>> = { num_heads: attr.int(opts.numHeads) };
  if (opts.scale !== undefined) attrs.scale = attr.float(opts.scale);
  // Input order: query, key, value, bias, key_padding_mask, attention_bias.
  const inputs = opts.bias ? [q, k, v, null, null, opts.bias] : [q, k, v];
  return q.g.node('MultiHeadAttention', inputs, attrs, [{ dtype: q.dtype, shape: [b, sq, v.shape[2]!] }],
    { domain: 'com.microsoft' })[0]!;
}
