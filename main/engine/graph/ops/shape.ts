// Shape ops. Reshape targets use ONNX's 0 (= keep) and -1 (= infer) so graphs stay valid when inputs are
// declared with symbolic sizes; `reshapeAs` takes its target from a runtime Shape.
import { attr, type Tensor } from '../graph';
import { constantOf } from './elementwise';

function i64(like: Tensor, values: readonly number[]): Tensor {
  return constantOf(like, 'int64', [values.length], values);
}

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function reshape(x: Tensor, target: readonly number[]): Tensor {
  const out = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const total = x.shape.reduce((p, d) => p * d, 1);
  const inferred = out.map((d) => (d === -1 ? total / known : d));
  if (inferred.reduce((p, d) => p * d, 1) !== total || inferred.some((d) => !Number.isInteger(d))) {
    throw new Error(`Reshape: [${x.shape}] -> [${target}] changes the element count`);
  }
  return x.g.node('Reshape', [x, i64(x, target)], {}, [{ dtype: x.dtype, shape: inferred }])[0]!;
}

export function shapeOf(x: Tensor): Tensor {
  return x.g.node('Shape', [x], {}, [{ dtype: 'int64', shape: [x.shape.length] }])[0]!;
}

/** Reshape `x` to the runtime shape of `like` (both must have the same element count). */
export function reshapeAs(x: Tensor, like: Tensor): Tensor {
  return x.g.node('Reshape', [x, shapeOf(like)], {}, [{ dtype: x.dtype, shape: like.shape }])[0]!;
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  return x.g.node('Transpose', [x], { perm: attr.ints(perm) }, [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }])[0]!;
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0]!;
  const a = normAxis(axis, first.shape.length);
  const shape = [...first.shape];
  shape[a] = xs.reduce((s, t) => s + t.shape[a]!, 0);
  return first.g.node('Concat', xs, { axis: attr.int(a) }, [{ dtype: first.dtype, shape }])[0]!;
}

export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const shape = [...x.shape];
  for (const a of [...axes].sort((p, q) => p - q)) shape.splice(a, 0, 1);
  return x.g.node('Unsqueeze', [x, i64(x, axes)], {}, [{ dtype: x.dtype, shape }])[0]!;
}


/** Static slice along `axis` (ends clamp like ONNX). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.shape.length);
  const dim = x.shape[a]!;
  const s = Math.max(0, Math.min(dim, start < 0 ? start + dim : start));
  const e = Math.max(0, Math.min(dim, end < 0 ? end + dim : end));
  const shape = [...x.shape];
  shape[a] = Math.max(0, e - s);
  return x.g.node('Slice', [x, i64(x, [start]), i64(x, [end]), i64(x, [a])], {}, [{ dtype: x.dtype, shape }])[0]!;
}

/** Split `x` along `axis` into equal parts. */
export function split(x: Tensor, axis: number, parts: number): Tensor[] {
  const a = normAxis(axis, x.shape.length);
  const size = x.shape[a]! / parts;
  if (!Number.isInteger(size)) throw new Error(`Split: ${x.shape[a]} is not divisible by ${parts}`);
  const shape = [...x.shape];
  shape[a] = size;
  const sizes = i64(x, new Array<number>(parts).fill(size));
  return x.g.node('Split', [x, sizes], { axis: attr.int(a) },
    new Array(parts).fill(0).map(() => ({ dtype: x.dtype, shape })));
}

/** Gather along `axis` with int64 indices (output shape = x[:axis] + indices + x[axis+1:]). */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const a = normAxis(axis, x.shape.length);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return x.g.node('Gather', [x, indices], { axis: attr.int(a) }, [{ dtype: x.dtype, shape }])[0]!;
}


