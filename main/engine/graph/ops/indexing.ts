// Index arithmetic with runtime sizes, so selection graphs work for any batch and token count.
import { attr, type Tensor } from '../graph';
import { add, constantOf, mul } from './elementwise';
import { gather, reshape, shapeOf, slice, unsqueeze } from './shape';

/** Dimension `axis` of `x` as a runtime int64 scalar. */
export function dimOf(x: Tensor, axis: number): Tensor {
  return gather(shapeOf(x), constantOf(x, 'int64', [], [axis]), 0);
}

/** Dimension `axis` of `x` as a runtime int64 [1] (the form TopK/Slice/Expand inputs take). */
export function dim1Of(x: Tensor, axis: number): Tensor {
  return slice(shapeOf(x), 0, axis, axis + 1);
}

/** [0, 1, …, n−1] for a runtime scalar `n`; `example` is n's build-time value. */
export function range(n: Tensor, example: number): Tensor {
  const zero = constantOf(n, 'int64', [], [0]);
  const one = constantOf(n, 'int64', [], [1]);
  return n.g.node('Range', [zero, n, one], {}, [{ dtype: 'int64', shape: [example] }])[0]!;
}

/** Slice along `axis` with runtime int64 [1] bounds; `exampleLength` is the result's build-time size. */
export function sliceDynamic(x: Tensor, axis: number, start: Tensor, end: Tensor, exampleLength: number): Tensor {
  const shape = x.shape.map((d, i) => (i === axis ? exampleLength : d));
  return x.g.node('Slice', [x, start, end, constantOf(x, 'int64', [1], [axis])], {}, [{ dtype: x.dtype, shape }])[0]!;
}

/** out[b, i] = data[b, …] scattered: out = data; out[b, indices[b, j]] = updates[b, j] (axis 1). */
export function scatterElements(data: Tensor, indices: Tensor, updates: Tensor): Tensor {
  return data.g.node('ScatterElements', [data, indices, updates], { axis: attr.int(1) },
    [{ dtype: data.dtype, shape: data.shape }])[0]!;
}

/** `value` broadcast to the runtime shape of `like`. */
export function fillLike(like: Tensor, value: Tensor): Tensor {
  return like.g.node('Expand', [value, shapeOf(like)], {}, [{ dtype: value.dtype, shape: like.shape }])[0]!;
}

/** `x` [A, K] broadcast along a new leading axis to [B, A·…]: Expand with a runtime shape. */
export function expandTo(x: Tensor, shape: Tensor, exampleShape: readonly number[]): Tensor {
  return x.g.node('Expand', [x, shape], {}, [{ dtype: x.dtype, shape: exampleShape }])[0]!;
}

/**
 * Per-batch row gather: x [B, N, C], idx [B, K] (int64, values in [0, N)) → [B, K, C]. Done as one
 * flat Gather on [B·N, C] with idx + b·N, which every execution provider implements.
 */
export function batchGather(x: Tensor, idx: Tensor): Tensor {
  const [b, , c] = x.shape as [number, number, number];
  const offsets = unsqueeze(mul(range(dimOf(x, 0), b), dimOf(x, 1)), [1]); // [B, 1]
  const flatIdx = add(idx, offsets); // [B, K]
  const rows = reshape(x, [-1, c]); // [B·N, C]
  return gather(rows, flatIdx, 0); // [B, K, C]
}
