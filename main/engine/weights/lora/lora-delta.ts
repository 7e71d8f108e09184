// ΔW of one LoRA module, as A1111's Lora extension computes it (network_lora / network_hada / network_lokr):
//   LoRA/LoCon  up · down                       (down [r, in, kh, kw] or [r, in]; up [out, r(, 1, 1)])
//   LoHa        (w1a · w1b) ⊙ (w2a · w2b)
//   LoKr        w1 ⊗ w2, w1 = lokr_w1 or w1a · w1b, w2 = lokr_w2 or w2a · w2b (conv: w2 flattened per row)
// times alpha / dim (dim = the rank: down rows, w1b rows, or for LoKr the rank of whichever factor is
// decomposed; 1 when there is no alpha or nothing is decomposed). Computed in float64, returned float32 in
// the target weight's row-major layout.
import { EngineError } from '../../errors';
import { decodeToF32, readTensorBytes, type SafetensorsTensor } from '../safetensors';
import type { LoraModule } from './lora-file';

interface Matrix { readonly rows: number; readonly cols: number; readonly data: Float64Array }

async function load(path: string, t: SafetensorsTensor | undefined): Promise<Float32Array | undefined> {
  if (!t) return undefined;
  if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') return undefined;
  return decodeToF32(await readTensorBytes({ file: path, offset: t.offset, byteLength: t.byteLength }), t.dtype);
}

/** A tensor as a matrix [shape[0], rest]. */
async function matrix(path: string, t: SafetensorsTensor | undefined): Promise<Matrix | undefined> {
  const data = await load(path, t);
  if (!data || !t) return undefined;
  const rows = t.shape[0] ?? 1;
  return { rows, cols: data.length / rows, data: Float64Array.from(data) };
}

function matmul(a: Matrix, b: Matrix, what: string): Matrix {
  if (a.cols !== b.rows) throw new EngineError('model-corrupt', `${what}: factor shapes [${a.rows}, ${a.cols}] and [${b.rows}, ${b.cols}] do not multiply.`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      const row = k * b.cols;
      const o = i * b.cols;
      for (let j = 0; j < b.cols; j++) out[o + j]! += aik * b.data[row + j]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

function kron(a: Matrix, b: Matrix): Matrix {
  const rows = a.rows * b.rows;
  const cols = a.cols * b.cols;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) {
    const v = a.data[i * a.cols + j]!;
    for (let k = 0; k < b.rows; k++) for (let m = 0; m < b.cols; m++) {
      out[(i * b.rows + k) * cols + j * b.cols + m] = v * b.data[k * b.cols + m]!;
    }
  }
  return { rows, cols, data: out };
}

/** Modules this engine cannot merge (CP/Tucker decompositions, DoRA): the reason, or undefined. */
export function unsupportedReason(m: LoraModule): string | undefined {
  if (m.tensors.has('mid') || m.tensors.has('t1') || m.tensors.has('t2')) return 'CP/Tucker-decomposed convolution';
  if (m.tensors.has('dora')) return 'DoRA weight decomposition';
  const need = m.kind === 'lora' ? ['down', 'up'] : m.kind === 'loha' ? ['w1a', 'w1b', 'w2a', 'w2b'] : [];
  if (m.kind === 'lokr' && !((m.tensors.has('k1') || (m.tensors.has('k1a') && m.tensors.has('k1b')))
    && (m.tensors.has('k2') || (m.tensors.has('k2a') && m.tensors.has('k2b'))))) return 'incomplete LoKr factors';
  const missing = need.filter((r) => !m.tensors.has(r));
  return missing.length ? `missing ${missing.join(', ')}` : undefined;
}

/** scale · ΔW with `numel` elements (the target's), in float32. */
export async function loraDelta(path: string, m: LoraModule, numel: number): Promise<Float32Array> {
  const t = (role: string): SafetensorsTensor | undefined => m.tensors.get(role);
  const what = `The LoRA module ${m.stored}`;
  const alpha = (await load(path, t('alpha')))?.[0];
  let delta: Matrix;
  let dim: number | undefined;
  if (m.kind === 'lora') {
    const down = (await matrix(path, t('down')))!;
    delta = matmul((await matrix(path, t('up')))!, down, what);
    dim = down.rows;
  } else if (m.kind === 'loha') {
    const w1 = matmul((await matrix(path, t('w1a')))!, (await matrix(path, t('w1b')))!, what);
    const w2 = matmul((await matrix(path, t('w2a')))!, (await matrix(path, t('w2b')))!, what);
    if (w1.rows !== w2.rows || w1.cols !== w2.cols) throw new EngineError('model-corrupt', `${what}: its two Hadamard factors differ in shape.`);
    delta = { ...w1, data: w1.data.map((v, i) => v * w2.data[i]!) };
    dim = t('w1b')!.shape[0];
  } else {
    const w1 = (await matrix(path, t('k1'))) ?? matmul((await matrix(path, t('k1a')))!, (await matrix(path, t('k1b')))!, what);
    const w2 = (await matrix(path, t('k2'))) ?? matmul((await matrix(path, t('k2a')))!, (await matrix(path, t('k2b')))!, what);
    delta = kron(w1, w2);
    dim = t('k1b')?.shape[0] ?? t('k2b')?.shape[0];
  }
  if (delta.data.length !== numel) {
    throw new EngineError('model-unsupported', `${what} changes ${delta.data.length} weights where the model's layer has ${numel}: the LoRA was made for a model with other layer sizes.`);
  }
  const scale = alpha !== undefined && dim !== undefined && dim > 0 ? alpha / dim : 1;
  return Float32Array.from(delta.data, (v) => v * scale);
}
