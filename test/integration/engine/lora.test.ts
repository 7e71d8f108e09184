// LoRA in every layout found in the wild, on the tiny SD 1.x reference. For each layout a random LoRA in
// that exact key layout is written; the test merges the same numbers into the weights on its own (float64,
// names mapped by hand below, not through the engine's tables), writes that merged checkpoint, and checks
// that a UNet call and the text encoder of the model opened with the LoRA equal the merged checkpoint's
// within 1e-5. Also: weight 0 ≡ no LoRA, two LoRAs add, unmatched modules are reported, a LoRA for
// another architecture is refused.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { UNetRunner } from '../../../main/engine/pipeline/unet-runner';
import { createRng } from '../../../main/engine/pipeline/rng';
import { readSafetensorsHeader, readTensorBytes, decodeToF32 } from '../../../main/engine/weights/safetensors';
import { writeSafetensors, type TensorToWrite } from '../../../main/engine/weights/safetensors-writer';
import { withLoras, type LoraChoice } from '../../../main/engine/weights/lora/apply-loras';
import { Sd1Model } from '../../../main/engine/models/sd1-model';
import { openCheckpoint } from '../../../main/engine/weights/checkpoint';
import { maxAbsDiff, refArray, report } from '../../helpers/numeric';
import { clipBpePath, testCacheDir, tinyRefDir, tinySd2RefDir } from '../../helpers/paths';

const MODEL = join(tinyRefDir, 'model.safetensors');
const dir = mkdtempSync(join(tmpdir(), 'lora-'));
const open = (loras: LoraChoice[] = []): Promise<ModelRuntime> =>
  ModelRuntime.open(MODEL, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir, loras });

/** Layers the random LoRAs adapt: LDM key, diffusers module name, and the part. */
const LAYERS = [
  { ldm: 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight', name: 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q', part: 'unet' },
  { ldm: 'model.diffusion_model.input_blocks.1.0.in_layers.2.weight', name: 'down_blocks.0.resnets.0.conv1', part: 'unet' }, // 3x3 conv (LoCon)
  { ldm: 'model.diffusion_model.input_blocks.1.1.proj_in.weight', name: 'down_blocks.0.attentions.0.proj_in', part: 'unet' }, // 1x1 conv
  { ldm: 'model.diffusion_model.output_blocks.3.1.transformer_blocks.0.attn2.to_k.weight', name: 'up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k', part: 'unet' },
  { ldm: 'model.diffusion_model.middle_block.1.transformer_blocks.0.ff.net.2.weight', name: 'mid_block.attentions.0.transformer_blocks.0.ff.net.2', part: 'unet' },
  { ldm: 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight', name: 'text_model.encoder.layers.0.self_attn.q_proj', part: 'text' },
  { ldm: 'cond_stage_model.transformer.text_model.encoder.layers.1.mlp.fc1.weight', name: 'text_model.encoder.layers.1.mlp.fc1', part: 'text' },
] as const;

type Layout = 'kohya' | 'diffusers' | 'peft' | 'loha' | 'lokr';
interface Tensor { name: string; shape: number[]; data: Float32Array }

let seed = 100;
const rand = (shape: number[], scale = 0.05): Tensor['data'] =>
  Float32Array.from(createRng(seed++).randn(shape.reduce((a, b) => a * b, 1)), (v) => v * scale);

/** [m, k] x [k, n] in float64. */
function mm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]!;
    out[i * n + j] = s;
  }
  return out;
}

/** One random module in `layout` for a weight of `shape`; returns its tensors and its scaled ΔW (float64). */
function randomModule(layout: Layout, name: string, part: 'unet' | 'text', shape: readonly number[]): { tensors: Tensor[]; delta: Float64Array } {
  const [out, inn] = shape as [number, number];
  const k = shape.slice(2).reduce((a, b) => a * b, 1); // kernel elements
  const spatial = shape.slice(2);
  const r = 4;
  const alpha = 2;
  const kohya = `${part === 'unet' ? 'lora_unet_' : 'lora_te_'}${name.replace(/\./g, '_')}`;
  const dotted = `${part === 'unet' ? 'unet' : 'text_encoder'}.${name}`;
  // Hadamard and Kronecker products of small factors are tiny: larger factors keep the change visible
  const factorScale = layout === 'loha' ? 0.4 : layout === 'lokr' ? 0.2 : 0.05;
  const a = (n: string, s: number[]): Tensor => ({ name: n, shape: s, data: rand(s, factorScale) });
  const alphaT = (stem: string): Tensor => ({ name: `${stem}.alpha`, shape: [], data: Float32Array.of(alpha) });
  if (layout === 'kohya' || layout === 'diffusers' || layout === 'peft') {
    const [downName, upName, stem] = layout === 'kohya' ? [`${kohya}.lora_down.weight`, `${kohya}.lora_up.weight`, kohya]
      : layout === 'diffusers' ? [`${dotted}.lora.down.weight`, `${dotted}.lora.up.weight`, dotted]
        : [`${dotted}.lora_A.weight`, `${dotted}.lora_B.weight`, dotted];
    const down = a(downName, [r, inn, ...spatial]);
    const up = a(upName, spatial.length ? [out, r, 1, 1] : [out, r]);
    const scale = layout === 'diffusers' ? 1 : alpha / r; // the diffusers file carries no alpha
    const delta = mm(up.data, down.data, out, r, inn * k).map((v) => v * scale);
    return { tensors: layout === 'diffusers' ? [down, up] : [down, up, alphaT(stem)], delta };
  }
  if (layout === 'loha') {
    const t = [a(`${kohya}.hada_w1_a`, [out, r]), a(`${kohya}.hada_w1_b`, [r, inn * k]), a(`${kohya}.hada_w2_a`, [out, r]), a(`${kohya}.hada_w2_b`, [r, inn * k])];
    const w1 = mm(t[0]!.data, t[1]!.data, out, r, inn * k);
    const w2 = mm(t[2]!.data, t[3]!.data, out, r, inn * k);
    return { tensors: [...t, alphaT(kohya)], delta: w1.map((v, i) => v * w2[i]! * (alpha / r)) };
  }
  // LoKr: w1 [4, 4] full, w2 = w2_a [out/4, r] x w2_b [r, in/4 * k]; ΔW = kron(w1, w2) · alpha / r
  const [ao, ai] = [4, 4];
  const [bo, bi] = [out / ao, (inn / ai) * k];
  const w1 = a(`${kohya}.lokr_w1`, [ao, ai]);
  const w2a = a(`${kohya}.lokr_w2_a`, [bo, r]);
  const w2b = a(`${kohya}.lokr_w2_b`, [r, bi]);
  const w2 = mm(w2a.data, w2b.data, bo, r, bi);
  const delta = new Float64Array(out * inn * k);
  for (let i = 0; i < ao; i++) for (let j = 0; j < ai; j++) for (let p = 0; p < bo; p++) for (let q = 0; q < bi; q++) {
    delta[(i * bo + p) * (ai * bi) + j * bi + q] = w1.data[i * ai + j]! * w2[p * bi + q]! * (alpha / r);
  }
  return { tensors: [w1, w2a, w2b, alphaT(kohya)], delta };
}

const toWrite = (t: Tensor): TensorToWrite => ({ name: t.name, dtype: 'F32', shape: t.shape, data: () => [new Uint8Array(t.data.buffer)] });

/** Write a LoRA file in `layout` over LAYERS; returns its path and ΔW per LDM key. */
async function writeLora(layout: Layout, file: string, extra: Tensor[] = [], metadata: Record<string, string> = {}): Promise<{ path: string; deltas: Map<string, Float64Array> }> {
  const header = await readSafetensorsHeader(MODEL);
  const deltas = new Map<string, Float64Array>();
  const tensors: Tensor[] = [...extra];
  for (const layer of LAYERS) {
    const m = randomModule(layout, layer.name, layer.part, header.tensors.get(layer.ldm)!.shape as number[]);
    tensors.push(...m.tensors);
    deltas.set(layer.ldm, m.delta);
  }
  const path = join(dir, file);
  await writeSafetensors(path, tensors.map(toWrite), metadata);
  return { path, deltas };
}

/** The tiny model with W + Σ m·ΔW written as a plain F32 checkpoint, merged here, not by the engine. */
async function mergedCheckpoint(name: string, parts: { deltas: Map<string, Float64Array>; unet: number; text: number }[]): Promise<string> {
  const header = await readSafetensorsHeader(MODEL);
  const tensors: TensorToWrite[] = [];
  for (const t of header.tensors.values()) {
    if (t.dtype !== 'F16') throw new Error(`the tiny reference is all F16, ${t.name} is ${t.dtype}`);
    const w = decodeToF32(await readTensorBytes({ file: header.file, offset: t.offset, byteLength: t.byteLength }), 'F16');
    for (const p of parts) {
      const d = p.deltas.get(t.name);
      const m = t.name.startsWith('model.diffusion_model.') ? p.unet : p.text;
      if (d) for (let i = 0; i < w.length; i++) w[i] = w[i]! + m * d[i]!;
    }
    tensors.push({ name: t.name, dtype: 'F32', shape: t.shape, data: () => [new Uint8Array(w.buffer)] });
  }
  const sub = mkdtempSync(join(dir, `${name}-`));
  copyFileSync(join(tinyRefDir, 'config.json'), join(sub, 'config.json')); // the head counts
  await writeSafetensors(join(sub, 'model.safetensors'), tensors);
  return join(sub, 'model.safetensors');
}

async function outputs(rt: ModelRuntime): Promise<{ unet: Float32Array; text: Float32Array }> {
  const x = refArray('unet_call1_x.npy');
  const { eps } = await new UNetRunner(rt.model, rt.sessions, rt.variant, 2, 32, 32).evaluate('full', {
    x: x.data, timesteps: [...refArray('unet_call1_t.npy').data], context: refArray('unet_call1_context.npy').data, contextLength: 77,
  });
  const text = await rt.encodeText(BigInt64Array.from(refArray('text_0_ids.npy').data, (v) => BigInt(v)), 1);
  return { unet: eps, text };
}

let plain: { unet: Float32Array; text: Float32Array };
beforeAll(async () => {
  const rt = await open();
  plain = await outputs(rt);
  await rt.dispose();
});

async function compare(label: string, loras: LoraChoice[], merged: string): Promise<void> {
  const withLora = await open(loras);
  const reference = await ModelRuntime.open(merged, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });
  try {
    const [a, b] = [await outputs(withLora), await outputs(reference)];
    const errs = { unet: maxAbsDiff(a.unet, b.unet), text: maxAbsDiff(a.text, b.text), unetChange: maxAbsDiff(a.unet, plain.unet), textChange: maxAbsDiff(a.text, plain.text) };
    report(label, errs);
    expect(errs.unet).toBeLessThanOrEqual(1e-5);
    expect(errs.text).toBeLessThanOrEqual(1e-5);
    expect(errs.unetChange).toBeGreaterThan(1e-3); // the LoRA really changed something
    expect(errs.textChange).toBeGreaterThan(1e-3);
  } finally {
    await withLora.dispose();
    await reference.dispose();
  }
}

describe('LoRA layouts merge like an independent computation', () => {
  for (const layout of ['kohya', 'diffusers', 'peft', 'loha', 'lokr'] as const) {
    it(`${layout}: UNet call and text encoder within 1e-5 of the independently merged weights`, async () => {
      const lora = await writeLora(layout, `${layout}.safetensors`);
      const merged = await mergedCheckpoint(layout, [{ deltas: lora.deltas, unet: 0.8, text: 0.5 }]);
      await compare(`lora ${layout}`, [{ path: lora.path, unet: 0.8, text: 0.5 }], merged);
    });
  }
});

describe('LoRA sets', () => {
  it('two LoRAs add', async () => {
    const a = await writeLora('kohya', 'a.safetensors');
    const b = await writeLora('lokr', 'b.safetensors');
    const merged = await mergedCheckpoint('two', [{ deltas: a.deltas, unet: 1, text: 1 }, { deltas: b.deltas, unet: -0.7, text: 0.3 }]);
    await compare('two loras', [{ path: a.path, unet: 1, text: 1 }, { path: b.path, unet: -0.7, text: 0.3 }], merged);
  });

  it('weight 0 is no LoRA (bit for bit), and unmatched modules are reported with examples', async () => {
    const stray = [
      { name: 'lora_unet_no_such_block.lora_down.weight', shape: [4, 8], data: rand([4, 8]) },
      { name: 'lora_unet_no_such_block.lora_up.weight', shape: [8, 4], data: rand([8, 4]) },
      { name: 'something_else', shape: [2], data: rand([2]) },
    ];
    const lora = await writeLora('kohya', 'stray.safetensors', stray);
    const rt = await open([{ path: lora.path, unet: 0, text: 0 }]);
    try {
      const out = await outputs(rt);
      expect(maxAbsDiff(out.unet, plain.unet)).toBe(0);
      expect(maxAbsDiff(out.text, plain.text)).toBe(0);
      const r = rt.loraReports[0]!;
      expect(r).toMatchObject({ layout: 'kohya', modules: LAYERS.length + 1, applied: LAYERS.length });
      expect(r.unmatched.count).toBe(2);
      expect(r.unmatched.examples).toEqual(expect.arrayContaining(['something_else', 'lora_unet_no_such_block']));
    } finally {
      await rt.dispose();
    }
  });

  it('refuses an SDXL LoRA and one whose layers have other sizes, with the reason', async () => {
    const xl = await writeLora('kohya', 'xl.safetensors', [], { ss_base_model_version: 'sdxl_base_v1-0' });
    await expect(open([{ path: xl.path, unet: 1, text: 1 }])).rejects.toThrow(/made for Stable Diffusion XL/);
    const wrong = join(dir, 'wrong.safetensors');
    await writeSafetensors(wrong, [
      { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', shape: [4, 1024], data: rand([4, 1024]) },
      { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', shape: [320, 4], data: rand([320, 4]) },
    ].map(toWrite));
    await expect(open([{ path: wrong, unet: 1, text: 1 }])).rejects.toThrow(/other layer sizes/);
    const unrelated = join(dir, 'unrelated.safetensors');
    await writeSafetensors(unrelated, [{ name: 'lora_unet_foo.lora_down.weight', shape: [2, 2], data: rand([2, 2]) },
      { name: 'lora_unet_foo.lora_up.weight', shape: [2, 2], data: rand([2, 2]) }].map(toWrite));
    await expect(open([{ path: unrelated, unet: 1, text: 1 }])).rejects.toThrow(/None of the 1 modules/);
  });
});

describe('LoRA on SD 2.x (OpenCLIP keeps q, k, v fused in in_proj_weight)', () => {
  it('kohya text-encoder q/k/v modules adapt their third of in_proj_weight; out_proj and mlp map to OpenCLIP names', async () => {
    const model = new Sd1Model(await openCheckpoint(join(tinySd2RefDir, 'model.safetensors')));
    const w = 64;
    const r = 4;
    const tensors: Tensor[] = [];
    const deltas = new Map<string, Float64Array>();
    for (const [proj, rows] of [['q', 0], ['k', 1], ['v', 2]] as const) {
      const stem = `lora_te_text_model_encoder_layers_1_self_attn_${proj}_proj`;
      const down = { name: `${stem}.lora_down.weight`, shape: [r, w], data: rand([r, w]) };
      const up = { name: `${stem}.lora_up.weight`, shape: [w, r], data: rand([w, r]) };
      tensors.push(down, up);
      deltas.set(`${rows}`, mm(up.data, down.data, w, r, w));
    }
    const mlp = 'lora_te_text_model_encoder_layers_0_mlp_fc1';
    tensors.push({ name: `${mlp}.lora_down.weight`, shape: [r, w], data: rand([r, w]) }, { name: `${mlp}.lora_up.weight`, shape: [4 * w, r], data: rand([4 * w, r]) });
    const path = join(dir, 'sd2-te.safetensors');
    await writeSafetensors(path, tensors.map(toWrite));
    const { index, reports } = await withLoras(model, [{ path, unet: 1, text: 0.5 }], join(testCacheDir, 'lora'));
    expect(reports[0]).toMatchObject({ applied: 4, unmatched: { count: 0 } });
    const read = async (key: string, from = index): Promise<Float32Array> => {
      const e = from.tensors.get(key)!;
      return decodeToF32(await readTensorBytes(e), e.dtype);
    };
    const fused = 'cond_stage_model.model.transformer.resblocks.1.attn.in_proj_weight';
    const [after, before] = [await read(fused), await read(fused, model.index)];
    let worst = 0;
    for (let j = 0; j < 3; j++) {
      const d = deltas.get(`${j}`)!;
      for (let i = 0; i < w * w; i++) worst = Math.max(worst, Math.abs(after[j * w * w + i]! - (before[j * w * w + i]! + 0.5 * d[i]!)));
    }
    report('sd2 fused in_proj LoRA', { maxAbs: worst });
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(index.tensors.get('cond_stage_model.model.transformer.resblocks.0.mlp.c_fc.weight')!.file).not.toBe(model.index.tensors.get('cond_stage_model.model.transformer.resblocks.0.mlp.c_fc.weight')!.file);
  });
});
