// Layers with weights, each reading its parameters from a Scope by the PyTorch module's own names.
import { attr, type Tensor } from '../graph';
import type { Scope } from '../scope';
import { add, cast, constantOf, mul } from './elementwise';
import { reshape, reshapeAs, transpose, unsqueeze } from './shape';

export interface Conv2dOptions {
  stride?: number;
  /** The same zero padding on every side. */
  pad?: number;
  /** Zero padding per side [top, left, bottom, right] (ONNX order), e.g. ldm's asymmetric Downsample pad. */
  pads?: readonly [number, number, number, number];
}

/** torch.nn.Conv2d (weight [out, in, kh, kw], optional bias). */
export function conv2d(s: Scope, x: Tensor, opts: Conv2dOptions = {}): Tensor {
  const w = s.param('weight');
  const [outCh, inCh, kh, kw] = w.shape as [number, number, number, number];
  if (x.shape[1] !== inCh) throw new Error(`${s.prefix}: conv expects ${inCh} channels, got [${x.shape}]`);
  const stride = opts.stride ?? 1;
  const pad = opts.pad ?? 0;
  const pads = opts.pads ?? [pad, pad, pad, pad];
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + pads[0] + pads[2] - kh) / stride) + 1;
  const ow = Math.floor((wd + pads[1] + pads[3] - kw) / stride) + 1;
  const inputs = s.has('bias') ? [x, w, s.param('bias')] : [x, w];
  x.g.macs += n * outCh * oh * ow * inCh * kh * kw;
  return x.g.node('Conv', inputs, {
    kernel_shape: attr.ints([kh, kw]), strides: attr.ints([stride, stride]), pads: attr.ints(pads),
  }, [{ dtype: x.dtype, shape: [n, outCh, oh, ow] }])[0]!;
}

/** torch.nn.Linear on the last axis (weight [out, in]); 1x1 conv weights [out, in, 1, 1] are accepted too. */
export function linear(s: Scope, x: Tensor): Tensor {
  let w = s.param('weight');
  if (w.shape.length === 4) w = s.g.cached(`flat:${w.name}`, () => reshape(w, [w.shape[0]!, w.shape[1]!]));
  const [outF, inF] = w.shape as [number, number];
  if (x.shape[x.shape.length - 1] !== inF) throw new Error(`${s.prefix}: linear expects ${inF} features, got [${x.shape}]`);
  const wT = s.g.cached(`T:${w.name}`, () => transpose(w, [1, 0])); // folded by the runtime
  x.g.macs += x.shape.reduce((a, b) => a * b, 1) * outF; // rows × in × out
  const y = x.g.node('MatMul', [x, wT], {}, [{ dtype: x.dtype, shape: [...x.shape.slice(0, -1), outF] }])[0]!;
  return s.has('bias') ? add(y, s.param('bias')) : y;
}

/**
 * torch.nn.GroupNorm in its portable form, Reshape → InstanceNormalization → Reshape → affine
 * (no GroupNormalization-21 kernel on the EPs we target). In fp16 graphs the statistics are computed
 * in fp32: fp16 sums over 64×64×10 values lose too much.
 */
export function groupNorm(s: Scope, x: Tensor, groups: number, eps: number): Tensor {
  const channels = x.shape[1]!;
  if (channels % groups !== 0) throw new Error(`${s.prefix}: ${channels} channels do not split into ${groups} groups`);
  const g = x.g;
  const xs = g.dtype === 'float16' ? cast(x, 'float32') : x;
  const grouped = reshape(xs, [0, groups, -1]); // [N, G, C/G·H·W]
  const ones = constantOf(xs, xs.dtype, [groups], new Array<number>(groups).fill(1));
  const zeros = constantOf(xs, xs.dtype, [groups], new Array<number>(groups).fill(0));
  const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: attr.float(eps) },
    [{ dtype: xs.dtype, shape: grouped.shape }])[0]!;
  const back = cast(reshapeAs(normed, x), x.dtype); // [N, C, H, W]
  const spatial = x.shape.length - 2;
  const weight = g.cached(`gn-w:${s.prefix}`, () => unsqueeze(s.param('weight'), range(1, spatial + 1)));
  const bias = g.cached(`gn-b:${s.prefix}`, () => unsqueeze(s.param('bias'), range(1, spatial + 1)));
  return add(mul(back, weight), bias);
}

/** torch.nn.LayerNorm over the last axis (ORT computes the statistics in fp32 for fp16 inputs). */
export function layerNorm(s: Scope, x: Tensor, eps: number): Tensor {
  return x.g.node('LayerNormalization', [x, s.param('weight'), s.param('bias')],
    { axis: attr.int(-1), epsilon: attr.float(eps) }, [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
