// LoRAs merged into the checkpoint's weights once, when a model is opened with them: W' = W + Σ m·ΔW
// (m = the LoRA's UNet or text-encoder weight). The merged tensors go to a float32 cache file keyed by
// (model, LoRA files, weights), and the index points those weights there, so graphs and sessions are built
// exactly as for a plain model, and opening the same set again reuses the file. A LoRA whose weights are
// all 0 is not applied at all (bit-identical to no LoRA). Modules that match no layer are reported.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EngineError } from '../../errors';
import type { Sd1Model } from '../../models/sd1-model';
import { withFloat32CacheFile } from '../float32-cache-file';
import { decodeToF32, readTensorBytes } from '../safetensors';
import type { TensorEntry, TensorIndex } from '../tensor-index';
import { loraDelta, unsupportedReason } from './lora-delta';
import { architectureMismatch, readLoraFile, type LoraFile, type LoraModule } from './lora-file';
import { loraTargets, type LoraTarget } from './lora-targets';

export interface LoraChoice {
  readonly path: string;
  /** Multiplier of the UNet modules. */
  readonly unet: number;
  /** Multiplier of the text-encoder modules (A1111's te weight; defaults to the UNet weight). */
  readonly text: number;
}

export interface LoraReport {
  readonly path: string;
  readonly layout: LoraFile['layout'];
  readonly modules: number;
  readonly applied: number;
  /** Modules and keys that adapt nothing in this model: how many, and a few names. */
  readonly unmatched: { readonly count: number; readonly examples: readonly string[] };
}

const LAYOUT_VERSION = 1;
const EXAMPLES = 5;

interface Contribution { readonly path: string; readonly module: LoraModule; readonly target: LoraTarget; readonly multiplier: number }

/** Read and match every LoRA; refuse wrong-architecture files. Does not read the LoRA weights yet. */
export async function matchLoras(model: Sd1Model, loras: readonly LoraChoice[]): Promise<{ contributions: Contribution[]; reports: LoraReport[] }> {
  const table = loraTargets(model);
  const contributions: Contribution[] = [];
  const reports: LoraReport[] = [];
  for (const choice of loras) {
    const lora = await readLoraFile(choice.path);
    const mismatch = architectureMismatch(lora, model.family);
    if (mismatch) {
      throw new EngineError('model-unsupported', `The LoRA "${basename(choice.path)}" cannot be used with this ${model.family === 'sd2' ? 'SD 2.x' : 'SD 1.x'} model: ${mismatch}.`);
    }
    const unmatched: string[] = [...lora.unknownKeys];
    let applied = 0;
    for (const module of lora.modules) {
      const target = table.get(`${module.part}:${module.name}`);
      const reason = unsupportedReason(module);
      if (!target || reason) { unmatched.push(reason ? `${module.stored} (${reason})` : module.stored); continue; }
      applied++;
      const multiplier = module.part === 'unet' ? choice.unet : choice.text;
      if (multiplier !== 0) contributions.push({ path: lora.path, module, target, multiplier });
    }
    if (applied === 0) {
      throw new EngineError('model-unsupported',
        `None of the ${lora.modules.length} modules of the LoRA "${basename(choice.path)}" matches a layer of this model (e.g. ${unmatched.slice(0, 3).join(', ') || 'no adapter tensors'}); it was made for another architecture or is not a LoRA.`);
    }
    reports.push({ path: lora.path, layout: lora.layout, modules: lora.modules.length, applied, unmatched: { count: unmatched.length, examples: unmatched.slice(0, EXAMPLES) } });
  }
  return { contributions, reports };
}

function fingerprint(model: Sd1Model, loras: readonly LoraChoice[]): string {
  const h = createHash('sha256').update(`lora-v${LAYOUT_VERSION}|${model.index.source.path}`);
  for (const file of new Set([...model.index.tensors.values()].map((t) => t.file))) {
    const st = statSync(file);
    h.update(`|${file}|${st.size}|${st.mtimeMs}`);
  }
  for (const l of loras) {
    const st = statSync(l.path);
    h.update(`|${l.path}|${st.size}|${st.mtimeMs}|${l.unet}|${l.text}`);
  }
  return h.digest('hex').slice(0, 24);
}

/** The model's index with every LoRA-adapted weight redirected to its merged float32 copy. */
export async function withLoras(model: Sd1Model, loras: readonly LoraChoice[], cacheDir: string): Promise<{ index: TensorIndex; reports: LoraReport[] }> {
  const { contributions, reports } = await matchLoras(model, loras);
  if (contributions.length === 0) return { index: model.index, reports };
  const byKey = new Map<string, Contribution[]>();
  for (const c of contributions) byKey.set(c.target.key, [...(byKey.get(c.target.key) ?? []), c]);
  const keys = [...byKey.keys()].sort();

  const file = join(cacheDir, `${fingerprint(model, loras)}.lora.bin`);
  const index = await withFloat32CacheFile(model.index, file, keys.map((key) => {
    const source = model.index.tensors.get(key)!;
    return { key, source, values: () => merged(source, byKey.get(key)!) };
  }), 'the LoRA-merged weights');
  return { index, reports };
}

/** W + Σ m·ΔW for one weight, in float32 (rows of a fused weight when the module adapts only those). */
async function merged(base: TensorEntry, contributions: readonly Contribution[]): Promise<Float32Array> {
  const w = decodeToF32(await readTensorBytes(base), base.dtype).slice();
  const rowSize = w.length / base.shape[0]!;
  for (const c of contributions) {
    const [start, end] = c.target.rows ?? [0, base.shape[0]!];
    const delta = await loraDelta(c.path, c.module, (end - start) * rowSize);
    const at = start * rowSize;
    for (let i = 0; i < delta.length; i++) w[at + i] = Math.fround(w[at + i]! + Math.fround(c.multiplier * delta[i]!));
  }
  return w;
}
