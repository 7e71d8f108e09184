// Reductions and selections (opset 13+: axes as an input for ReduceSum; attribute for the others at 17).
import { attr, type Tensor } from '../graph';
import { constantOf } from './elementwise';

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


/** Index of the first maximum along `axis` (ties → the lowest index). */
export function argMax(x: Tensor, axis: number): Tensor {
  return x.g.node('ArgMax', [x], { axis: attr.int(axis), keepdims: attr.int(0), select_last_index: attr.int(0) },
    [{ dtype: 'int64', shape: reducedShape(x.shape, axis, false) }])[0]!;
}

/**
 * Indices of the `k` largest values along the last axis, largest first; ONNX breaks ties by the lower
 * index. `k` is a runtime int64 [1]; `exampleK` is its value for build-time shapes.
 */
export function topKIndices(x: Tensor, k: Tensor, exampleK: number): Tensor {
  const shape = [...x.shape.slice(0, -1), exampleK];
  const [, indices] = x.g.node('TopK', [x, k], { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
    [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }]);
  return indices!;
}
