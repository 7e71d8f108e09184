import type { Tensor } from '../graph';

/** Batched matrix product [.., M, K] × [.., K, N] → [.., M, N]. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.shape.length - 2]!;
  const n = b.shape[b.shape.length - 1]!;
  if (a.shape[a.shape.length - 1] !== b.shape[b.shape.length - 2]) throw new Error(`MatMul: [${a.shape}] × [${b.shape}]`);
  const batch = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  a.g.macs += batch.reduce((p, d) => p * d, 1) * m * n * a.shape[a.shape.length - 1]!;
  return a.g.node('MatMul', [a, b], {}, [{ dtype: a.dtype, shape: [...batch, m, n] }])[0]!;
}
