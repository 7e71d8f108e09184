// Whether a checkpoint predicts noise (eps) or v. The weights cannot tell: SD 2.x 768-v and 512-base
// files have the same tensors. What can: a diffusers folder's scheduler config (`prediction_type`), the
// ldm YAML an A1111 user puts next to a single file (`<name>.yaml`, `parameterization: "v"` as in
// Stability's v2-inference-v.yaml), a sidecar config.json (`parameterization` / `prediction_type`), or the
// file's modelspec metadata (`modelspec.prediction_type`). Without any of these: SD 1.x is eps; SD 2.x is
// taken as v, because the 768-v models (2.0-v, 2.1) are the SD 2.x files people have; 512-base users pass
// `--prediction eps` (or a YAML), as A1111 users needed v2-inference.yaml.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Prediction } from '../../../preload/contract/vocabulary';
import { huggingFaceBlobs } from '../weights/diffusers-folder';
import type { TensorIndex } from '../weights/tensor-index';
import { UntrustedFileError, readContainedSmallFile } from '../weights/untrusted-file';

export interface PredictionHint {
  readonly prediction: Prediction;
  /** Where it came from, for `dato-studio info` and error messages. */
  readonly source: string;
}

/** Sidecars are small text files; anything larger is not one of ours. */
const MAX_SIDECAR_BYTES = 1 << 20;

/**
 * A sidecar's text, read like every small file a model brings (untrusted-file.ts): a regular file inside
 * the model's folder, at most MAX_SIDECAR_BYTES. Anything else gives no hint.
 */
function readSmall(file: string, roots: readonly string[]): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readContainedSmallFile(file, roots, MAX_SIDECAR_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof UntrustedFileError) return undefined;
    throw err;
  }
}

/** 'v', 'v_prediction' → v; 'eps', 'epsilon' → eps. */
function parse(value: unknown): Prediction | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'v' || v === 'v_prediction' || v === 'v-prediction') return 'v';
  if (v === 'eps' || v === 'epsilon') return 'eps';
  return undefined;
}

function fromJson(file: string, roots: readonly string[], keys: (json: Record<string, unknown>) => unknown[]): Prediction | undefined {
  const text = readSmall(file, roots);
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object') return undefined;
    for (const value of keys(json as Record<string, unknown>)) {
      const p = parse(value);
      if (p) return p;
    }
  } catch { /* not JSON: no hint */ }
  return undefined;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function detectPrediction(index: TensorIndex, family: 'sd1' | 'sd2'): PredictionHint {
  const path = index.source.path;
  if (index.source.kind === 'diffusers') {
    const p = fromJson(join(path, 'scheduler', 'scheduler_config.json'), [path, ...huggingFaceBlobs(path)], (j) => [j.prediction_type]);
    if (p) return { prediction: p, source: 'scheduler/scheduler_config.json' };
  } else {
    const roots = [realpathSync(dirname(path))];
    const yamlFile = join(dirname(path), `${basename(path, extname(path))}.yaml`);
    const yaml = readSmall(yamlFile, roots);
    const match = yaml && /^\s*parameterization:\s*["']?(\w+)["']?\s*(#.*)?$/m.exec(yaml);
    const fromYaml = match ? parse(match[1]) : undefined;
    if (fromYaml) return { prediction: fromYaml, source: basename(yamlFile) };
    if (yaml) return { prediction: 'eps', source: `${basename(yamlFile)} (no parameterization: eps)` };
    const sidecar = fromJson(join(dirname(path), 'config.json'), roots, (j) => [j.parameterization, j.prediction_type,
      obj(obj(j.model).params).parameterization]);
    if (sidecar) return { prediction: sidecar, source: 'config.json' };
  }
  const meta = parse(index.metadata['modelspec.prediction_type']);
  if (meta) return { prediction: meta, source: 'modelspec.prediction_type metadata' };
  return family === 'sd2'
    ? { prediction: 'v', source: 'default for SD 2.x (768-v); use --prediction eps for 512-base models' }
    : { prediction: 'eps', source: 'default for SD 1.x' };
}
