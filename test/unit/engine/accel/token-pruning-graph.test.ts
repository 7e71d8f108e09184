// The in-graph selection and recovery on hand-made tensors, checked against a direct JS computation of
// the rule (non-square, odd-sized grid).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { windowArgmax } from '../../../../main/engine/accel/base-tokens';
import { prunedSelfAttention, selectTokens } from '../../../../main/engine/accel/token-pruning-graph';
import { Graph } from '../../../../main/engine/graph/graph';

const [H, W, C] = [3, 5, 4];
const N = H * W;

function rand(seed: number, n: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 30 - 1; });
}

async function run(x: Float32Array, base: number[], count: number) {
  const g = new Graph({ name: 't', dtype: 'float32', dynamic: true });
  const xi = g.input('x', 'float32', [1, { name: 'n', example: N }, C]);
  const pruning = { base: g.input('base', 'int64', [1, { name: 'nb', example: base.length }]), count: g.input('count', 'int64', [1]), exampleCount: count };
  const sel = selectTokens(xi, pruning);
  g.output(sel.pruned, 'pruned');
  g.output(sel.kept, 'kept');
  g.output(sel.source, 'source');
  g.output(prunedSelfAttention(xi, xi, pruning, (kept) => kept), 'recovered'); // attention = identity
  const s = await ort.InferenceSession.create(g.serialize());
  const out = await s.run({
    x: new ort.Tensor('float32', x, [1, N, C]),
    base: new ort.Tensor('int64', BigInt64Array.from(base, BigInt), [1, base.length]),
    count: new ort.Tensor('int64', BigInt64Array.of(BigInt(count)), [1]),
  });
  const ints = (name: string) => [...(out[name]!.data as BigInt64Array)].map(Number);
  return { pruned: ints('pruned'), kept: ints('kept'), source: ints('source'), recovered: out.recovered!.data as Float32Array };
}

function cosine(x: Float32Array, a: number, b: number): number {
  let dot = 0; let na = 0; let nb = 0;
  for (let c = 0; c < C; c++) { dot += x[a * C + c]! * x[b * C + c]!; na += x[a * C + c]! ** 2; nb += x[b * C + c]! ** 2; }
  return dot / Math.sqrt(na * nb);
}

describe('selectTokens / prunedSelfAttention', () => {
  const x = rand(7, N * C);
  const base = [...windowArgmax(rand(3, N), H, W)];
  const count = 5;

  it('prunes exactly `count` non-base tokens, the most similar to a base token', async () => {
    const { pruned, kept } = await run(x, base, count);
    expect(pruned).toHaveLength(count);
    expect(new Set([...pruned, ...kept]).size).toBe(N);
    expect(pruned.some((t) => base.includes(t))).toBe(false);
    const score = (t: number) => Math.max(...base.map((b) => cosine(x, t, b)));
    const expected = [...Array(N).keys()].filter((t) => !base.includes(t)).sort((a, b) => score(b) - score(a)).slice(0, count);
    expect([...pruned].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it('every pruned token copies the kept token most similar to it', async () => {
    const { pruned, kept, source, recovered } = await run(x, base, count);
    pruned.forEach((p, i) => {
      const best = kept.reduce((bi, k, j) => (cosine(x, k, p) > cosine(x, kept[bi]!, p) ? j : bi), 0);
      expect(source[i]).toBe(best);
      const from = kept[source[i]!]!;
      for (let c = 0; c < C; c++) expect(recovered[p * C + c]).toBeCloseTo(x[from * C + c]!, 6);
    });
    for (const k of kept) for (let c = 0; c < C; c++) expect(recovered[k * C + c]).toBe(x[k * C + c]);
  });

  it('a zero count keeps every token unchanged', async () => {
    const { pruned, recovered } = await run(x, base, 0);
    expect(pruned).toHaveLength(0);
    expect([...recovered]).toEqual([...x]);
  });
});
