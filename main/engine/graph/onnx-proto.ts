// A minimal protobuf writer for the subset of onnx.proto the graph builder emits (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto incl. external data, ValueInfoProto). Field numbers are from
// Ref: onnx/onnx onnx/onnx.proto (IR version 9). Writing ~150 lines beats a protobuf dependency and a
// generated 20k-line schema module for a format we only ever write.

export const enum TensorDataType {
  FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16,
}

export const enum AttributeType { FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8 }

export interface TensorProtoInit {
  name: string;
  dataType: TensorDataType;
  dims: readonly number[];
  /** Inline little-endian bytes. */
  raw?: Uint8Array;
  /** External data (location relative to the external-initializers folder). */
  external?: { location: string; offset: number; length: number };
}

export interface AttributeInit {
  name: string;
  type: AttributeType;
  f?: number; i?: number; s?: string; t?: TensorProtoInit;
  floats?: readonly number[]; ints?: readonly number[]; strings?: readonly string[];
}

export interface NodeInit {
  name: string;
  opType: string;
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly AttributeInit[];
}

export interface ValueInfoInit {
  name: string;
  dataType: TensorDataType;
  /** A number is a fixed dimension; a string is a symbolic (dynamic) one; undefined: unknown shape. */
  dims: readonly (number | string)[] | undefined;
}

export interface ModelInit {
  producerName: string;
  producerVersion: string;
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  graph: {
    name: string;
    nodes: readonly NodeInit[];
    initializers: readonly TensorProtoInit[];
    inputs: readonly ValueInfoInit[];
    outputs: readonly ValueInfoInit[];
  };
}

/** Growable byte sink with protobuf primitives. */
class Writer {
  private buf = new Uint8Array(1 << 16);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(value: number): void {
    // Values are non-negative safe integers or negative int64 (10-byte two's complement).
    this.reserve(10);
    if (value < 0) {
      let big = BigInt.asUintN(64, BigInt(value));
      while (big >= 0x80n) { this.buf[this.len++] = Number(big & 0x7fn) | 0x80; big >>= 7n; }
      this.buf[this.len++] = Number(big);
      return;
    }
    while (value >= 0x80) { this.buf[this.len++] = (value % 0x80) | 0x80; value = Math.floor(value / 0x80); }
    this.buf[this.len++] = value;
  }

  tag(field: number, wire: 0 | 1 | 2 | 5): void { this.varint(field * 8 + wire); }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, s: string): void { this.bytes(field, new TextEncoder().encode(s)); }
  int(field: number, v: number): void { this.tag(field, 0); this.varint(v); }

  float(field: number, v: number): void {
    this.tag(field, 5);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}

function writeTensor(w: Writer, t: TensorProtoInit): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.raw) w.bytes(9, t.raw);
  if (t.external) {
    const entries: [string, string][] = [
      ['location', t.external.location], ['offset', String(t.external.offset)], ['length', String(t.external.length)],
    ];
    for (const [key, value] of entries) w.message(13, (e) => { e.string(1, key); e.string(2, value); });
    w.int(14, 1); // data_location = EXTERNAL
  }
}

function writeAttribute(w: Writer, a: AttributeInit): void {
  w.string(1, a.name);
  w.int(20, a.type);
  switch (a.type) {
    case AttributeType.FLOAT: w.float(2, a.f ?? 0); break;
    case AttributeType.INT: w.int(3, a.i ?? 0); break;
    case AttributeType.STRING: w.string(4, a.s ?? ''); break;
    case AttributeType.TENSOR: w.message(5, (t) => writeTensor(t, a.t!)); break;
    case AttributeType.FLOATS: for (const f of a.floats ?? []) w.float(7, f); break;
    case AttributeType.INTS: for (const i of a.ints ?? []) w.int(8, i); break;
    case AttributeType.STRINGS: for (const s of a.strings ?? []) w.string(9, s); break;
    default: throw new Error(`attribute type ${a.type} is not written by this builder`);
  }
}

function writeNode(w: Writer, n: NodeInit): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, (aw) => writeAttribute(aw, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: Writer, v: ValueInfoInit): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, v.dataType);
    if (!v.dims) return;
    const dims = v.dims;
    tensor.message(2, (shape) => {
      for (const d of dims) {
        shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }
    });
  }));
}

export function encodeModel(m: ModelInit): Uint8Array {
  const w = new Writer();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.message(7, (g) => {
    for (const n of m.graph.nodes) g.message(1, (nw) => writeNode(nw, n));
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const i of m.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, i));
    for (const o of m.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, o));
  });
  for (const o of m.opsets) w.message(8, (ow) => { ow.string(1, o.domain); ow.int(2, o.version); });
  return w.finish();
}
