// Reductions and selections (opset 13+: axes as an input for ReduceSum; attribute for the others at 17).
import { attr, type Tensor } from '../graph';
import { cast, constantOf, equal, less, where } from './elementwise';
import { dim1Of, dimOf, expandTo, fillLike, range, scatterElements } from './indexing';
import { shapeOf, unsqueeze } from './shape';

function reducedShape(shape: readonly number[], axis: number, keep: boolean): number[] {
  const a = axis < 0 ? axis + shape.length : axis;
  return keep ? shape.map((d, i) => (i === a ? 1 : d)) : shape.filter((_, i) => i !== a);
}

export function reduceSum(x: Tensor, axis: number, keepDims = true): Tensor {
  return x.g.node('ReduceSum', [x, constantOf(x, 'int64', [1], [axis])], { keepdims: attr.int(keepDims ? 1 : 0) },
    [{ dtype: x.dtype, shape: reducedShape(x.shape, axis, keepDims) }])[0]!;
}

export function reduceMax(x: Tensor, axis: number, keepDims = true): Tensor {
  return x.g.node('ReduceMax', [x], { axes: attr.ints([axis]), keepdims: attr.int(keepDims ? 1 : 0) },
    [{ dtype: x.dtype, shape: reducedShape(x.shape, axis, keepDims) }])[0]!;
}

export function reduceMean(x: Tensor, axis: number, keepDims = true): Tensor {
  return x.g.node('ReduceMean', [x], { axes: attr.ints([axis]), keepdims: attr.int(keepDims ? 1 : 0) },
    [{ dtype: x.dtype, shape: reducedShape(x.shape, axis, keepDims) }])[0]!;
}

/**
 * int32 index of the first maximum along the last axis (ties → the lowest index). Without int64 ops:
 * the smallest position whose value equals the row maximum, counted in float32 (exact below 2^24).
 */
export function argMaxLast(x: Tensor): Tensor {
  if (!x.g.avoidInt64) {
    const idx = x.g.node('ArgMax', [x], { axis: attr.int(-1), keepdims: attr.int(0), select_last_index: attr.int(0) },
      [{ dtype: 'int64', shape: reducedShape(x.shape, -1, false) }])[0]!;
    return cast(idx, 'int32');
  }
  const n = x.shape[x.shape.length - 1]!;
  const positions = cast(range(dimOf(x, -1), n), 'float32'); // [n]
  const isMax = equal(x, reduceMax(x, -1)); // [..., n]
  const candidate = where(isMax, positions, constantOf(positions, 'float32', [], [2 ** 24]));
  return cast(x.g.node('ReduceMin', [candidate], { axes: attr.ints([-1]), keepdims: attr.int(0) },
    [{ dtype: 'float32', shape: reducedShape(x.shape, -1, false) }])[0]!, 'int32');
}

/**
 * int32 permutation sorting each row of x [B, N] in descending order, ties by the lower index (TopK's
 * rule). Without int64 ops: every element's rank is counted by comparing all pairs (B·N² comparisons,
 * cheap on a GPU), then each index is scattered to its rank.
 */
export function argsortDescending(x: Tensor): Tensor {
  const [b, n] = x.shape as [number, number];
  if (!x.g.avoidInt64) {
    const [, idx] = x.g.node('TopK', [x, dim1Of(x, 1)], { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
      [{ dtype: x.dtype, shape: [b, n] }, { dtype: 'int64', shape: [b, n] }]);
    return cast(idx!, 'int32');
  }
  const xi = unsqueeze(x, [2]); // [B, N, 1]: element i
  const xj = unsqueeze(x, [1]); // [B, 1, N]: element j
  const positions = range(dimOf(x, 1), n); // [N] int32
  const jBeforeI = less(unsqueeze(positions, [0]), unsqueeze(positions, [1])); // [N, N]
  const tieFirst = logical('And', equal(xi, xj), jBeforeI); // [B, N, N]
  const ahead = logical('Or', less(xi, xj), tieFirst); // [B, N, N]: j sorts before i
  const rank = cast(reduceSum(cast(ahead, 'float32'), -1, false), 'int32'); // [B, N]
  const indices = expandTo(unsqueeze(positions, [0]), shapeOf(rank), [b, n]); // [B, N]: 0..N-1 per row
  return scatterElements(fillLike(rank, constantOf(rank, 'int32', [], [0])), rank, indices);
}

function logical(op: 'And' | 'Or', a: Tensor, b: Tensor): Tensor {
  const shape = a.shape.length >= b.shape.length ? a.shape : b.shape;
  return a.g.node(op, [a, b], {}, [{ dtype: 'bool', shape: [...shape] }])[0]!;
}
