// The typed ONNX builder: shapes are checked while the graph is built (a wrong wiring fails here, naming
// the layer, not as an opaque runtime error), and what `serialize()` writes is a model onnxruntime loads
// and runs with the expected numbers, external weights and symbolic sizes included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import { Graph, type Tensor } from '../../../../main/engine/graph/graph';
import { add, mul } from '../../../../main/engine/graph/ops/elementwise';
import { matmul } from '../../../../main/engine/graph/ops/linalg';
import { conv2d, groupNorm, linear } from '../../../../main/engine/graph/ops/nn';
import { concat, reshape, transpose } from '../../../../main/engine/graph/ops/shape';
import { Scope, WeightSource } from '../../../../main/engine/graph/scope';
import { createSession } from '../../../../main/engine/runtime/session-options';
import type { TensorEntry, TensorIndex } from '../../../../main/engine/weights/tensor-index';

const dir = mkdtempSync(join(tmpdir(), 'dato-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A weight file of float32 tensors laid end to end, indexed like a checkpoint. */
function weights(tensors: Record<string, { shape: number[]; data: number[] }>): WeightSource {
  const file = join(dir, `w${Math.random().toString(36).slice(2)}.bin`);
  const entries = new Map<string, TensorEntry>();
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.from(Float32Array.from(t.data).buffer);
    entries.set(name, { name, dtype: 'F32', shape: t.shape, file, offset, byteLength: bytes.length });
    chunks.push(bytes);
    offset += bytes.length;
  }
  writeFileSync(file, Buffer.concat(chunks));
  const index: TensorIndex = { source: { kind: 'single-file', path: file }, tensors: entries, metadata: {} };
  return new WeightSource(index, dir);
}

async function run(g: Graph, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await createSession(g.serialize(), dir, { provider: 'cpu', threads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const f32 = (data: number[], dims: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(data), dims);

describe('shape checks at build time', () => {
  const g = new Graph({ name: 'checks', dtype: 'float32' });
  const x = g.input('x', 'float32', [2, 3, 4, 4]);
  const src = weights({ 'model.conv.weight': { shape: [5, 2, 3, 3], data: new Array(90).fill(0) }, 'model.fc.weight': { shape: [6, 5], data: new Array(30).fill(0) } });
  const s = new Scope(g, src, 'model');

  test('element-wise ops broadcast like numpy and refuse what does not broadcast', () => {
    expect(add(x, g.input('b', 'float32', [3, 1, 1])).shape).toEqual([2, 3, 4, 4]);
    expect(() => add(x, g.input('c', 'float32', [2, 4]))).toThrow(/cannot broadcast \[2,3,4,4\] with \[2,4\]/);
  });

  test('layers name the checkpoint scope whose weights do not fit', () => {
    expect(() => conv2d(s.at('conv'), x)).toThrow(/model\.conv: conv expects 2 channels, got \[2,3,4,4\]/);
    expect(() => linear(s.at('fc'), g.input('h', 'float32', [2, 7]))).toThrow(/model\.fc: linear expects 5 features/);
    expect(() => groupNorm(s.at('norm'), x, 2, 1e-5)).toThrow(/3 channels do not split into 2 groups/);
    expect(() => s.at('missing').param('weight')).toThrow(expect.objectContaining({ code: 'model-incomplete' }));
  });

  test('matmul, reshape, transpose and concat compute their output shapes and refuse impossible ones', () => {
    const a = g.input('a', 'float32', [2, 3, 5]);
    expect(matmul(a, g.input('m', 'float32', [5, 7])).shape).toEqual([2, 3, 7]);
    expect(() => matmul(a, g.input('n', 'float32', [4, 7]))).toThrow(/MatMul: \[2,3,5\] × \[4,7\]/);
    expect(reshape(a, [0, -1]).shape).toEqual([2, 15]);
    expect(() => reshape(a, [4, -1, 2])).toThrow(/changes the element count/);
    expect(transpose(a, [2, 0, 1]).shape).toEqual([5, 2, 3]);
    expect(concat([a, a], -1).shape).toEqual([2, 3, 10]);
    expect(() => concat([a], 3)).toThrow(/axis 3 out of range/);
  });

  test('graphs do not mix: inputs and outputs from another graph, duplicate input names', () => {
    const other = new Graph({ name: 'other', dtype: 'float32' });
    const y: Tensor = other.input('y', 'float32', [2, 3, 4, 4]);
    expect(() => add(x, y)).toThrow(/from another graph/);
    expect(() => g.output(y, 'y')).toThrow(/another graph/);
    expect(() => g.input('x', 'float32', [1])).toThrow(/duplicate input x/);
  });
});

describe('serialized models run in onnxruntime', () => {
  test('a static graph with external weights: conv + bias, then x·2 + 1, with the numbers torch would give', async () => {
    // 1×1×3×3 input, one 2×2 kernel of ones with bias 0.5: each output sums a 2×2 window
    const src = weights({ 'conv.weight': { shape: [1, 1, 2, 2], data: [1, 1, 1, 1] }, 'conv.bias': { shape: [1], data: [0.5] } });
    const g = new Graph({ name: 'static', dtype: 'float32' });
    const x = g.input('x', 'float32', [1, 1, 3, 3]);
    const y = conv2d(new Scope(g, src, '').at('conv'), x); // [1, 1, 2, 2]
    g.output(add(mul(y, 2), 1), 'y');
    expect(g.outputNames).toEqual(['y']);
    expect(g.macs).toBe(1 * 1 * 2 * 2 * 1 * 2 * 2);
    const out = await run(g, { x: f32([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]) });
    expect(out.y!.dims).toEqual([1, 1, 2, 2]);
    expect([...(out.y!.data as Float32Array)]).toEqual([12, 16, 24, 28].map((v) => (v + 0.5) * 2 + 1));
  });

  test('a dynamic graph: one model, any batch and size; declared inputs keep their names and dtypes', async () => {
    const g = new Graph({ name: 'dynamic', dtype: 'float32', dynamic: true });
    const x = g.input('x', 'float32', [{ name: 'batch', example: 2 }, 3, { name: 'n', example: 4 }]);
    const w = weights({ 'fc.weight': { shape: [2, 3], data: [1, 0, 0, 0, 1, 1] } });
    g.output(linear(new Scope(g, w, '').at('fc'), transpose(x, [0, 2, 1])), 'y'); // [batch, n, 2]
    expect(g.inputInfo).toEqual([{ name: 'x', dtype: 'float32', shape: [2, 3, 4] }]);
    const session = await createSession(g.serialize(), dir, { provider: 'cpu', threads: 1 });
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      for (const [batch, n] of [[1, 1], [3, 5]] as const) {
        const data = Array.from({ length: batch * 3 * n }, (_, i) => i);
        const y = (await session.run({ x: f32(data, [batch, 3, n]) })).y!;
        expect(y.dims).toEqual([batch, n, 2]);
        // row (b, j) = [x[b,0,j], x[b,1,j] + x[b,2,j]]
        const expected = Array.from({ length: batch * n }, (_, r) => {
          const b = Math.floor(r / n);
          const j = r % n;
          const at = (c: number): number => data[(b * 3 + c) * n + j]!;
          return [at(0), at(1) + at(2)];
        }).flat();
        expect([...(y.data as Float32Array)]).toEqual(expected);
      }
    } finally {
      await session.release();
    }
  });
});
