// npm run bench:segments -- [--model PATH | --random-sd15] [--width W --height H] [--ep E] [--runs N]
//   [--precision float32|float16] [--profile] [--json FILE]
// Where a UNet evaluation's time goes: every segment the runner uses (plain and DaTo-pruned) timed on its
// own, plus the whole UNet as one graph (to see what splitting costs). With --profile, onnxruntime's
// per-node trace is summarised by operator type for each graph.
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { oneOf, parseFlags } from '../main/cli/args';
import { windowArgmax } from '../main/engine/accel/base-tokens';
import { PRUNABLE_SEGMENTS, SEGMENT_ORDER, type BuiltGraph, type GraphVariant } from '../main/engine/profiling';
import { ModelRuntime } from '../main/engine/pipeline/model-runtime';
import { resolveResources } from '../main/engine/resources';
import { PROVIDER_CHOICES } from '../preload/contract/vocabulary';
import { selectProviderHere } from '../main/engine/runtime/providers';
import { createSession } from '../main/engine/runtime/session-options';
import { floatTensor } from '../main/engine/runtime/tensors';
import { machineInfo } from './machine';
import { median } from '../main/common/stats';
import { ensureRandomSd15 } from './random-sd15';

const FLAGS = {
  model: 'string', 'random-sd15': 'boolean', width: 'integer', height: 'integer', ep: 'string', runs: 'integer',
  precision: 'string', profile: 'boolean', json: 'string',
} as const;

/** Random inputs of the declared shapes; DaTo inputs are valid base tokens and a 0.4 prune count. */
function feedsFor(built: BuiltGraph, dtype: 'float32' | 'float16', h: number, w: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const base = windowArgmax(new Float32Array(h * w), h, w); // top-left of every window
  for (const input of built.graph.inputInfo) {
    const n = input.shape.reduce((a, b) => a * b, 1);
    if (input.name === 'dato_count') feeds[input.name] = new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.floor(0.4 * h * w))), [1]);
    else if (input.name.startsWith('dato_base')) {
      const rows = input.shape[0]!;
      feeds[input.name] = new ort.Tensor('int64', BigInt64Array.from({ length: rows * base.length }, (_, i) => BigInt(base[i % base.length]!)), input.shape);
    } else if (input.name === 'timestep') feeds[input.name] = new ort.Tensor('float32', new Float32Array(n).fill(500), input.shape);
    else feeds[input.name] = floatTensor(input.dtype === 'float32' ? 'float32' : dtype, Float32Array.from({ length: n }, () => Math.random() - 0.5), input.shape);
  }
  return feeds;
}

interface ProfileSummary { readonly top_ops_us: Record<string, number>; readonly cpu_nodes: Record<string, number> }

/**
 * From an onnxruntime profile (node events only): total microseconds per operator type, and which
 * operator types the session placed on the CPU although a GPU provider was asked for (each one is a
 * device→host→device round trip inside the graph).
 */
function summariseProfile(file: string, provider: string): ProfileSummary {
  const events = JSON.parse(readFileSync(file, 'utf8')) as { cat?: string; name?: string; dur?: number; args?: { op_name?: string; provider?: string } }[];
  const byOp: Record<string, number> = {};
  const cpu: Record<string, Set<string>> = {};
  for (const e of events) {
    if (e.cat !== 'Node' || !e.args?.op_name || !e.dur) continue;
    byOp[e.args.op_name] = (byOp[e.args.op_name] ?? 0) + e.dur;
    if (provider !== 'cpu' && e.args.provider === 'CPUExecutionProvider') (cpu[e.args.op_name] ??= new Set()).add(e.name ?? '');
  }
  return {
    top_ops_us: Object.fromEntries(Object.entries(byOp).sort((a, b) => b[1] - a[1]).slice(0, 12)),
    cpu_nodes: Object.fromEntries(Object.entries(cpu).map(([op, names]) => [op, names.size])),
  };
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS);
  const resources = resolveResources();
  const selection = await selectProviderHere(oneOf('ep', String(f.ep ?? 'cpu'), PROVIDER_CHOICES));
  const modelPath = f['random-sd15'] === true ? await ensureRandomSd15() : resolve(String(f.model ?? resources.demoModel));
  const precision = oneOf('precision', String(f.precision ?? (selection.provider === 'cpu' ? 'float32' : 'float16')), ['float32', 'float16'] as const);
  const rt = await ModelRuntime.open(modelPath, { provider: selection.provider }, { clipVocab: resources.clipVocab, precision });
  const size = rt.model.hints.imageSize ?? 512;
  const [h, w] = [Number(f.height ?? size) / 8, Number(f.width ?? size) / 8];
  const variant: GraphVariant = { ...rt.variant, shapes: { batch: 2, height: h, width: w, contextLength: 77 } };
  const runs = Number(f.runs ?? 10);
  const profileDir = f.profile === true ? mkdtempSync(join(tmpdir(), 'dato-profile-')) : undefined;

  const graphs: [string, () => BuiltGraph][] = [
    ...SEGMENT_ORDER.filter((s) => rt.model.partition[s].to > rt.model.partition[s].from).flatMap((s): [string, () => BuiltGraph][] => [
      [s, () => rt.model.unetSegment(s, variant)],
      ...(PRUNABLE_SEGMENTS.has(s) ? [[`${s}+dato`, () => rt.model.unetSegment(s, variant, Math.floor(0.4 * h * w))] as [string, () => BuiltGraph]] : []),
    ]),
    ['whole', () => rt.model.unetWhole(variant)],
  ];
  const results: Record<string, unknown>[] = [];
  for (const [name, build] of graphs) {
    const built = build();
    const t0 = performance.now();
    const session = await createSession(built.bytes, built.weightsRoot, {
      provider: selection.provider, ...(profileDir ? { profileFilePrefix: join(profileDir, name.replace('+', '-')) } : {}),
    });
    const createS = (performance.now() - t0) / 1000;
    const feeds = feedsFor(built, precision, h, w);
    const times: number[] = [];
    for (let r = 0; r < runs + 2; r++) {
      const s = performance.now();
      await session.run(feeds);
      if (r >= 2) times.push(performance.now() - s);
    }
    let profile: ProfileSummary | undefined;
    if (profileDir) {
      session.endProfiling(); // writes <prefix>_<timestamp>.json
      const prefix = name.replace('+', '-');
      const file = readdirSync(profileDir).find((n) => n.startsWith(`${prefix}_`) && n.endsWith('.json'));
      if (file) profile = summariseProfile(join(profileDir, file), selection.provider);
    }
    await session.release();
    results.push({ graph: name, median_ms: median(times), min_ms: Math.min(...times), create_s: createS, gmacs: built.graph.macs / 1e9, ...profile });
    console.error(`segments: ${name.padEnd(12)} ${median(times).toFixed(1)} ms (${(built.graph.macs / 1e9).toFixed(1)} GMAC)`);
  }
  await rt.dispose();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  const out = { machine: machineInfo(), config: { model: modelPath, provider: selection.provider, precision, width: w * 8, height: h * 8, runs }, graphs: results };
  if (typeof f.json === 'string') writeFileSync(f.json, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err) => {
  console.error(`bench:segments: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
