// The graph under construction: typed tensor handles with shapes known at build time, nodes, inputs,
// outputs and initializers. Ops (ops/*.ts) are free functions over `Tensor`s that compute their output
// shape, so a wrong channel count fails while building, with the block's name, not inside the runtime.
//
// Shapes are tracked for one concrete example size. Graph inputs may still be declared with symbolic
// dimensions (`dynamic`): every op emits size-agnostic forms (Reshape with 0/-1 or a runtime Shape), so
// one CPU graph serves every image size, while GPU variants keep fully static shapes.

import {
  AttributeType, encodeModel, TensorDataType,
  type AttributeInit, type NodeInit, type TensorProtoInit, type ValueInfoInit,
} from './onnx-proto';

export type DType = 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'bool';

const PROTO_DTYPE: Record<DType, TensorDataType> = {
  float32: TensorDataType.FLOAT, float16: TensorDataType.FLOAT16, bfloat16: TensorDataType.BFLOAT16,
  int64: TensorDataType.INT64, int32: TensorDataType.INT32, bool: TensorDataType.BOOL,
};

export interface Tensor {
  readonly g: Graph;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A dimension of a graph input: a fixed size, or a concrete example size with a symbolic name. */
export type InputDim = number | { readonly name: string; readonly example: number };

export type AttrValue =
  | { readonly kind: 'int'; readonly v: number }
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'ints'; readonly v: readonly number[] }
  | { readonly kind: 'floats'; readonly v: readonly number[] }
  | { readonly kind: 'string'; readonly v: string }
  | { readonly kind: 'tensor'; readonly v: TensorProtoInit };

/** Attribute constructors: ONNX distinguishes int and float attributes, JS numbers do not. */
export const attr = {
  int: (v: number): AttrValue => ({ kind: 'int', v }),
  float: (v: number): AttrValue => ({ kind: 'float', v }),
  ints: (v: readonly number[]): AttrValue => ({ kind: 'ints', v }),
  floats: (v: readonly number[]): AttrValue => ({ kind: 'floats', v }),
  string: (v: string): AttrValue => ({ kind: 'string', v }),
};

export interface ExternalWeight {
  /** Path relative to the graph's external-data folder. */
  readonly location: string;
  readonly offset: number;
  readonly length: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface GraphOptions {
  name: string;
  /** Compute dtype of the float path: fp32 for CPU, fp16 for GPU variants. */
  dtype: 'float32' | 'float16';
  /** Target ONNX opset (17..20: the WebGPU EP's Transpose kernel stops at opset 20). */
  opset?: number;
  /** Inputs have symbolic sizes: outputs are then declared without a fixed shape. */
  dynamic?: boolean;
}

export class Graph {
  readonly name: string;
  readonly dtype: 'float32' | 'float16';
  readonly opset: number;
  readonly dynamic: boolean;
  private readonly nodes: NodeInit[] = [];
  private readonly initializers: TensorProtoInit[] = [];
  private readonly inputs: ValueInfoInit[] = [];
  private readonly inputTensors: { name: string; dtype: DType; shape: number[] }[] = [];
  private readonly outputs: ValueInfoInit[] = [];
  private readonly usedNames = new Set<string>();
  private readonly memo = new Map<string, Tensor>();
  private nameStack: string[] = [];
  /** Multiply-accumulates of the convolutions, matrix products and attentions, for the example shapes. */
  macs = 0;

  constructor(opts: GraphOptions) {
    this.name = opts.name;
    this.dtype = opts.dtype;
    this.opset = opts.opset ?? 17;
    this.dynamic = opts.dynamic ?? false;
  }

  /** Run `build` with `prefix` prepended to every node name: names in profiles read like checkpoint keys. */
  within<T>(prefix: string, build: () => T): T {
    this.nameStack.push(prefix);
    try { return build(); } finally { this.nameStack.pop(); }
  }

  unique(base: string): string {
    const full = [...this.nameStack, base].join('/');
    let name = full;
    for (let i = 1; this.usedNames.has(name); i++) name = `${full}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  input(name: string, dtype: DType, dims: readonly InputDim[]): Tensor {
    if (this.usedNames.has(name)) throw new Error(`graph ${this.name}: duplicate input ${name}`);
    this.usedNames.add(name);
    this.inputs.push({ name, dataType: PROTO_DTYPE[dtype], dims: dims.map((d) => (typeof d === 'number' ? d : d.name)) });
    const shape = dims.map((d) => (typeof d === 'number' ? d : d.example));
    this.inputTensors.push({ name, dtype, shape });
    return { g: this, name, dtype, shape };
  }

  /** Mark `t` as a graph output under `name` (an Identity keeps the names of graph outputs stable). */
  output(t: Tensor, name: string): void {
    if (t.g !== this) throw new Error('output from another graph');
    this.node('Identity', [t], {}, [{ dtype: t.dtype, shape: t.shape }], { outputNames: [name] });
    // with symbolic input sizes the output shape is left to the runtime's inference
    this.outputs.push({ name, dataType: PROTO_DTYPE[t.dtype], dims: this.dynamic ? undefined : t.shape });
  }

  /** Append a node; returns its outputs with the given dtypes/shapes (computed by the calling op). */
  node(
    opType: string,
    inputs: readonly (Tensor | null)[],
    attrs: Readonly<Record<string, AttrValue>>,
    outputs: readonly { dtype: DType; shape: readonly number[] }[],
    opts: { domain?: string; outputNames?: readonly string[] } = {},
  ): Tensor[] {
    for (const i of inputs) if (i && i.g !== this) throw new Error(`${opType}: input ${i.name} is from another graph`);
    const nodeName = this.unique(opType);
    const outNames = outputs.map((_, k) => opts.outputNames?.[k] ?? (outputs.length === 1 ? nodeName : `${nodeName}:${k}`));
    for (const n of opts.outputNames ?? []) this.usedNames.add(n);
    this.nodes.push({
      name: nodeName, opType, domain: opts.domain ?? '',
      inputs: inputs.map((i) => i?.name ?? ''),
      outputs: outNames,
      attributes: Object.entries(attrs).map(([name, a]) => toAttribute(name, a)),
    });
    return outputs.map((o, k) => ({ g: this, name: outNames[k]!, dtype: o.dtype, shape: o.shape }));
  }

  /** A weight stored outside the model (in the user's checkpoint); deduplicated by `key`. */
  external(key: string, w: ExternalWeight): Tensor {
    const hit = this.memo.get(`w:${key}`);
    if (hit) return hit;
    const name = this.unique(key);
    this.initializers.push({
      name, dataType: PROTO_DTYPE[w.dtype], dims: w.shape,
      external: { location: w.location, offset: w.offset, length: w.length },
    });
    const t: Tensor = { g: this, name, dtype: w.dtype, shape: w.shape };
    this.memo.set(`w:${key}`, t);
    return t;
  }

  /** A small constant stored inline (freqs tables, shape vectors, masks). */
  constant(dtype: DType, shape: readonly number[], data: ArrayBufferView, hint = 'const'): Tensor {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const key = `c:${dtype}:${shape.join('x')}:${Buffer.from(raw).toString('base64')}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const name = this.unique(hint);
    this.initializers.push({ name, dataType: PROTO_DTYPE[dtype], dims: shape, raw: raw.slice() });
    const t: Tensor = { g: this, name, dtype, shape };
    this.memo.set(key, t);
    return t;
  }

  /** Memoise a derived tensor (e.g. the cast of a weight) so it is built once per graph. */
  cached(key: string, make: () => Tensor): Tensor {
    const hit = this.memo.get(`d:${key}`);
    if (hit) return hit;
    const t = make();
    this.memo.set(`d:${key}`, t);
    return t;
  }

  get outputNames(): string[] { return this.outputs.map((o) => o.name); }
  /** Graph inputs with their build-time (example) shapes. */
  get inputInfo(): { name: string; dtype: DType; shape: number[] }[] { return [...this.inputTensors]; }

  serialize(): Uint8Array {
    return encodeModel({
      producerName: 'dato-studio', producerVersion: '1', irVersion: 9,
      opsets: [{ domain: '', version: this.opset }, { domain: 'com.microsoft', version: 1 }],
      graph: { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
    });
  }
}

function toAttribute(name: string, a: AttrValue): AttributeInit {
  switch (a.kind) {
    case 'int': return { name, type: AttributeType.INT, i: a.v };
    case 'float': return { name, type: AttributeType.FLOAT, f: a.v };
    case 'ints': return { name, type: AttributeType.INTS, ints: a.v };
    case 'floats': return { name, type: AttributeType.FLOATS, floats: a.v };
    case 'string': return { name, type: AttributeType.STRING, s: a.v };
    case 'tensor': return { name, type: AttributeType.TENSOR, t: a.v };
  }
}
