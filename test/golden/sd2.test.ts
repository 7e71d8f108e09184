// SD 2.x against Stability's official code (shared/reference/tiny-sd2, README §3-§7): open_clip token ids,
// the OpenCLIP text encoder block by block, single UNet calls (batch 2 with two timesteps, a portrait
// latent), the DDIM update from recorded model outputs for v and eps, 50-step DDIM finals and decoded
// images. Tolerances are the README's: max abs 1e-4 (text, UNet), 1e-5·max(1, |x|) per DDIM step,
// rel L2 1e-4 for finals and images.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration, type AccelSettings } from '../../main/engine/accel/plan';
import { Graph } from '../../main/engine/graph/graph';
import { Scope } from '../../main/engine/graph/scope';
import { buildOpenClipTextEncoder, type OpenClipTextConfig } from '../../main/engine/models/clip/open-clip-text-encoder';
import { encodePromptChunks } from '../../main/engine/models/clip/prompt-chunks';
import { END, START } from '../../main/engine/models/clip/tokenizer';
import { applyGuidance } from '../../main/engine/pipeline/guidance';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { txt2img, type Txt2ImgResult } from '../../main/engine/pipeline/txt2img';
import { UNetRunner } from '../../main/engine/pipeline/unet-runner';
import { tensorToFloat32 } from '../../main/engine/runtime/tensors';
import { DdimScheduler } from '../../main/engine/schedulers/ddim';
import type { Prediction } from '../../main/engine/schedulers/prediction';
import { layerNorm64, readIntermediates, readWeights } from '../helpers/intermediates';
import { maxAbsDiff, refArray, relL2, report } from '../helpers/numeric';
import { tinySd2RefDir } from '../helpers/paths';
import { openTinySd2 } from '../helpers/runtimes';

const ref = (name: string): { shape: number[]; data: Float32Array } => refArray(name, tinySd2RefDir);
const ids64 = (name: string): BigInt64Array => BigInt64Array.from(ref(name).data, (v) => BigInt(v));
const tokenizerRef = JSON.parse(readFileSync(join(tinySd2RefDir, 'tokenizer.json'), 'utf8')) as {
  prompts: Record<string, { text: string; ids: number[]; bpe_ids: number[] }>;
};
const PROMPT = tokenizerRef.prompts.prompt!.text;

let v: ModelRuntime;
let eps: ModelRuntime;
beforeAll(async () => { v = await openTinySd2('v'); eps = await openTinySd2('eps'); }); // one after the other: they share the float32 weight cache
afterAll(async () => { await v?.dispose(); await eps?.dispose(); });

describe('SD 2.x model detection', () => {
  it('reads the OpenCLIP text encoder, linear transformer projections and 32-wide UNet heads', () => {
    expect(v.model.family).toBe('sd2');
    expect(v.model.text).toMatchObject({ kind: 'open-clip', width: 64, layers: 3, heads: 1 });
    expect(v.model.unet.heads).toEqual({ channels: 32 }); // config.json unet.num_head_channels
    expect(v.model.unet.upcastAttention).toBe(true);
    expect(v.padId).toBe(0);
  });

  it('has no clip skip beyond its fixed penultimate layer (as A1111), and says so', async () => {
    await expect(v.encodeText(ids64('text_empty_ids.npy'), 1, 2)).rejects.toThrow(/always use the penultimate/);
  });
});

describe('open_clip tokenizer', () => {
  for (const [key, p] of Object.entries(tokenizerRef.prompts)) {
    it(`ids of "${key}" (pad 0, truncation keeps the end token)`, () => {
      expect(v.tokenizer.encode(p.text)).toEqual(p.bpe_ids);
      const truncated = [START, ...v.tokenizer.encode(p.text).slice(0, 75), END];
      expect([...truncated, ...new Array<number>(77 - truncated.length).fill(0)]).toEqual(p.ids);
      expect([...ref(`text_${key}_ids.npy`).data]).toEqual(p.ids);
      if (p.bpe_ids.length <= 75) {
        // the pipeline's chunking gives the same ids for prompts that fit one chunk
        const chunks = encodePromptChunks(v.tokenizer, p.text, v.padId);
        expect(chunks.chunks.length).toBe(1);
        expect([...chunks.chunks[0]!.ids]).toEqual(p.ids);
      }
    });
  }
});

describe('OpenCLIP text encoder (penultimate block, then ln_final)', () => {
  for (const key of ['prompt', 'long', 'empty']) {
    it(`matches the context for text_${key}`, async () => {
      const hidden = await v.encodeText(ids64(`text_${key}_ids.npy`), 1);
      const err = maxAbsDiff(hidden, ref(`text_${key}_hidden.npy`).data);
      report(`sd2 text_${key}`, { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  }

  it('block 0: ln_final of its residual stream (the encoder run one block shorter)', async () => {
    const text = v.model.text as OpenClipTextConfig;
    const session = await v.sessions.get('test|sd2-text-block0', () => {
      const g = new Graph({ name: 'text_block0', dtype: 'float32', dynamic: false });
      buildOpenClipTextEncoder(g, new Scope(g, v.model.src, ''), text, 1, 2);
      return { bytes: g.serialize(), weightsRoot: v.model.src.root, graph: g };
    });
    const out = await session.run({ input_ids: new ort.Tensor('int64', ids64('text_prompt_ids.npy'), [1, 77]) });
    const mine = tensorToFloat32(out.last_hidden_state!);
    // the reference's residual stream after block 0, through ln_final in float64
    const residual = readIntermediates(tinySd2RefDir, 'text_prompt_intermediates.safetensors').get('resblocks.0')!;
    const [w, b] = await readWeights(v, ['cond_stage_model.model.ln_final.weight', 'cond_stage_model.model.ln_final.bias']);
    const expected = layerNorm64(residual, w!, b!, 64);
    const err = maxAbsDiff(mine, expected);
    report('sd2 text block 0 (through ln_final)', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-4);
  });
});

describe('SD 2.x UNet single calls', () => {
  for (const call of [0, 1, 2]) {
    it(`matches unet_call${call}`, async () => {
      const x = ref(`unet_call${call}_x.npy`);
      const [b, , h, w] = x.shape as [number, number, number, number];
      const runner = new UNetRunner(v.model, v.sessions, v.variant, b, h, w);
      const { eps: out } = await runner.evaluate('full', {
        x: x.data, timesteps: [...ref(`unet_call${call}_t.npy`).data],
        context: ref(`unet_call${call}_context.npy`).data, contextLength: 77,
      });
      const err = maxAbsDiff(out, ref(`unet_call${call}_out.npy`).data);
      report(`sd2 unet_call${call} (${b}x${h}x${w})`, { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('DDIM from the recorded model outputs', () => {
  for (const prediction of ['v', 'eps'] as const) {
    it(`reproduces every step of the ${prediction} trajectory`, () => {
      const outputs = ref(`sample_${prediction}_model_out.npy`).data; // [50, 2, 4, 16, 32]
      const trajectory = ref(`sample_${prediction}_trajectory.npy`).data; // [51, 1, 4, 16, 32]
      const n = 4 * 16 * 32;
      const ddim = new DdimScheduler(50, 0, { prediction });
      let worst = 0;
      for (let i = 0; i < 50; i++) {
        const guided = applyGuidance(outputs.subarray(i * 2 * n, (i + 1) * 2 * n), 7.5);
        const next = ddim.step(guided, i, trajectory.slice(i * n, (i + 1) * n), { randn: () => { throw new Error('eta 0'); } });
        const expected = trajectory.subarray((i + 1) * n, (i + 2) * n);
        const scale = Math.max(1, ...Array.from(expected, Math.abs));
        worst = Math.max(worst, maxAbsDiff(next, expected) / scale);
      }
      report(`sd2 DDIM ${prediction} steps`, { maxAbsOverScale: worst });
      expect(worst).toBeLessThanOrEqual(1e-5);
    });
  }
});

async function sample(rt: ModelRuntime, settings: AccelSettings = { mode: 'baseline' }): Promise<Txt2ImgResult> {
  return txt2img(rt, {
    prompt: PROMPT, negativePrompt: '', sampler: 'ddim', steps: 50, cfg: 7.5, eta: 0,
    width: 256, height: 128, seed: 0, images: 1, initialNoise: ref('sample_x_T.npy').data,
    accel: planAcceleration(settings, 50), previewEvery: 0,
  });
}

describe('50-step DDIM against the official code', () => {
  for (const prediction of ['v', 'eps'] as Prediction[]) {
    it(`${prediction}: final latent and decoded image`, async () => {
      const rt = prediction === 'v' ? v : eps;
      const r = await sample(rt);
      const err = relL2(r.latents, ref(`sample_${prediction}_final.npy`).data);
      const image = await rt.decode(r.latents, 16, 32);
      const imageErr = relL2(image, ref(`image_${prediction}_decoded.npy`).data);
      report(`sd2 ${prediction} final`, { relL2: err, imageRelL2: imageErr });
      expect(err).toBeLessThanOrEqual(1e-4);
      expect(imageErr).toBeLessThanOrEqual(1e-4);
    });
  }

  it('the wrong parameterization is far off (the check can fail)', () => {
    expect(relL2(ref('sample_eps_final.npy').data, ref('sample_v_final.npy').data)).toBeGreaterThan(1);
  });

  for (const mode of ['cached', 'dato', 'dato-fast', 'prune'] as const) {
    it(`${mode} mode runs on SD 2.x and stays near the v baseline`, async () => {
      const r = await sample(v, { mode });
      const base = ref('sample_v_final.npy').data;
      const err = relL2(r.latents, base);
      report(`sd2 ${mode} vs v baseline`, { relL2: err, fullSteps: r.steps.filter((s) => s.kind === 'full').length });
      expect(r.steps.some((s) => s.kind !== 'full' || s.prunedBlocks > 0)).toBe(true); // something was saved
      expect(Number.isFinite(err)).toBe(true);
      expect(err).toBeLessThan(1);
    });
  }
});
