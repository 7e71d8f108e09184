// The graphs the GPU providers run, checked on the CPU provider (which executes fp16 graphs too)
// against the fp32 graphs: same builder, `dtype` option only. Stated tolerance: one UNet evaluation within
// relative L2 1e-2 of fp32, and a whole 20-step generation of the demo model within 30 dB PSNR.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration } from '../../../main/engine/accel/plan';
import { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { txt2img } from '../../../main/engine/pipeline/txt2img';
import { UNetRunner } from '../../../main/engine/pipeline/unet-runner';
import { psnr } from '../../../main/common/stats';
import { refArray, relL2, report } from '../../helpers/numeric';
import { clipBpePath, demoModelDir, testCacheDir, tinyRefDir, tinySd2RefDir } from '../../helpers/paths';

// fp16 runs use exactly the graphs a GPU provider gets: fp16 and static shapes.
const open = (path: string, precision: 'float32' | 'float16') =>
  ModelRuntime.open(path, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir, precision, gpuGraphs: precision === 'float16' });

describe('fp16 graphs agree with fp32', () => {
  let ref32: ModelRuntime; let ref16: ModelRuntime;
  beforeAll(async () => {
    ref32 = await open(join(tinyRefDir, 'model.safetensors'), 'float32');
    ref16 = await open(join(tinyRefDir, 'model.safetensors'), 'float16');
  });
  afterAll(async () => { await ref32.dispose(); await ref16.dispose(); });

  it('one UNet evaluation of the reference model (batch 2, CFG layout)', async () => {
    const x = refArray('unet_call1_x.npy');
    const inputs = { x: x.data, timesteps: [...refArray('unet_call1_t.npy').data], context: refArray('unet_call1_context.npy').data, contextLength: 77 };
    const e32 = (await new UNetRunner(ref32.model, ref32.sessions, ref32.variant, 2, 32, 32).evaluate('full', inputs)).eps;
    const e16 = (await new UNetRunner(ref16.model, ref16.sessions, ref16.variant, 2, 32, 32).evaluate('full', inputs)).eps;
    const err = relL2(e16, e32);
    report('fp16 vs fp32 UNet eps', { relL2: err, vsReference: relL2(e16, refArray('unet_call1_eps.npy').data) });
    expect(err).toBeLessThanOrEqual(1e-2);
  });

  it('a whole generation of the demo model, with DaTo pruning', async () => {
    const demo = join(demoModelDir, 'model.safetensors');
    const [m32, m16] = [await open(demo, 'float32'), await open(demo, 'float16')];
    const params = {
      prompt: 'a large red circle on a blue background', negativePrompt: '', sampler: 'ddim' as const, steps: 20, cfg: 5, eta: 0,
      width: 128, height: 128, seed: 3, images: 1, accel: planAcceleration({ mode: 'prune', alpha: 0 }, 20), previewEvery: 0,
    };
    const [a, b] = [await txt2img(m32, params), await txt2img(m16, params)];
    const db = psnr(a.images[0]!.rgb, b.images[0]!.rgb);
    report('fp16 vs fp32 demo image (PSNR dB)', { psnr: db, latentRelL2: relL2(b.latents, a.latents) });
    expect(db).toBeGreaterThanOrEqual(30);
    await m32.dispose(); await m16.dispose();
  });
});

describe('SD 2.x fp16 graphs (attention computed in float32)', () => {
  it('one UNet evaluation and the text encoder of the SD 2.x reference stay within 1e-2 of the official fp32 values', async () => {
    const rt = await ModelRuntime.open(join(tinySd2RefDir, 'model.safetensors'), { provider: 'cpu' },
      { clipVocab: clipBpePath, cacheDir: testCacheDir, precision: 'float16', gpuGraphs: true, prediction: 'v' });
    try {
      expect(rt.model.unet.upcastAttention).toBe(true);
      const x = refArray('unet_call1_x.npy', tinySd2RefDir);
      const out = (await new UNetRunner(rt.model, rt.sessions, rt.variant, 2, 16, 32).evaluate('full', {
        x: x.data, timesteps: [...refArray('unet_call1_t.npy', tinySd2RefDir).data],
        context: refArray('unet_call1_context.npy', tinySd2RefDir).data, contextLength: 77,
      })).eps;
      const unetErr = relL2(out, refArray('unet_call1_out.npy', tinySd2RefDir).data);
      const ids = BigInt64Array.from(refArray('text_prompt_ids.npy', tinySd2RefDir).data, (v) => BigInt(v));
      const textErr = relL2(await rt.encodeText(ids, 1), refArray('text_prompt_hidden.npy', tinySd2RefDir).data);
      report('SD2 fp16 vs official fp32', { unetRelL2: unetErr, textRelL2: textErr });
      expect(unetErr).toBeLessThanOrEqual(1e-2);
      expect(textErr).toBeLessThanOrEqual(1e-2);
    } finally {
      await rt.dispose();
    }
  });
});
