// Element-wise ops. Scalars are materialised as constants of the operand's dtype, so the same block code
// builds fp32 and fp16 graphs.
import { f32ToF16Bits } from '../../util/float16';
import { attr, type DType, type Tensor } from '../graph';
import { broadcastShapes } from './broadcast';

export type Operand = Tensor | number;

/** A scalar constant (shape []) of the given float dtype. */
export function scalar(like: Tensor, value: number, dtype: DType = like.dtype): Tensor {
  return constantOf(like, dtype, [], [value]);
}

export function constantOf(like: Tensor, dtype: DType, shape: readonly number[], values: ArrayLike<number>): Tensor {
  const g = like.g;
  switch (dtype) {
    case 'float32': return g.constant(dtype, shape, Float32Array.from(values));
    case 'float16': return g.constant(dtype, shape, Uint16Array.from(Array.from(values, f32ToF16Bits)));
    case 'int64': return g.constant(dtype, shape, BigInt64Array.from(Array.from(values, (v) => BigInt(v))));
    case 'int32': return g.constant(dtype, shape, Int32Array.from(values));
    case 'bool': return g.constant(dtype, shape, Uint8Array.from(values));
    case 'bfloat16': throw new Error('bfloat16 constants are not built');
  }
}

function operand(like: Tensor, x: Operand): Tensor {
  return typeof x === 'number' ? scalar(like, x) : x;
}

function binary(op: string, a: Operand, b: Operand): Tensor {
  const ta = typeof a === 'number' ? operand(b as Tensor, a) : a;
  const tb = operand(ta, b);
  if (ta.dtype !== tb.dtype) throw new Error(`${op}: dtype ${ta.dtype} vs ${tb.dtype}`);
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  return ta.g.node(op, [ta, tb], {}, [{ dtype: ta.dtype, shape }])[0]!;
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);

function unary(op: string, x: Tensor): Tensor {
  return x.g.node(op, [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
export const erf = (x: Tensor): Tensor => unary('Erf', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const cos = (x: Tensor): Tensor => unary('Cos', x);
export const sin = (x: Tensor): Tensor => unary('Sin', x);

/** SiLU / swish: x·σ(x). */
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));

/** Exact (erf) GELU, as torch.nn.functional.gelu; ORT fuses this pattern into one Gelu kernel. */
export function gelu(x: Tensor): Tensor {
  if (x.g.opset >= 20) return x.g.node('Gelu', [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0]!;
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** CLIP's quick_gelu: x·σ(1.702x). */
export const quickGelu = (x: Tensor): Tensor => mul(x, sigmoid(mul(x, 1.702)));

export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  const code = { float32: 1, float16: 10, bfloat16: 16, int64: 7, int32: 6, bool: 9 }[to];
  return x.g.node('Cast', [x], { to: attr.int(code) }, [{ dtype: to, shape: x.shape }])[0]!;
}

