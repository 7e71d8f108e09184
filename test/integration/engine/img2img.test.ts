// Image-to-image and inpainting on the demo model (a real trained model), CPU float32.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration } from '../../../main/engine/accel/plan';
import { img2img } from '../../../main/engine/pipeline/img2img';
import { img2imgEvaluations } from '../../../main/engine/pipeline/img2img-start';
import { toVaeInput } from '../../../main/engine/pipeline/inpaint-mask';
import { latentFromMoments } from '../../../main/engine/pipeline/latent-distribution';
import type { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { toRgb, txt2img } from '../../../main/engine/pipeline/txt2img';
import type { SamplerName } from '../../../main/engine/schedulers/scheduler';
import { psnr } from '../../../main/common/stats';
import { discMask, renderShape, type ShapeScene } from '../../fixtures/shape-images';
import { openDemoModel } from '../../helpers/runtimes';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRuntime as Runtime } from '../../../main/engine/pipeline/model-runtime';
import { blankInpaintInit, takesInpaintConditioning } from '../../../main/engine/pipeline/img2img';
import { TINY_CONFIG, writeRandomCheckpoint } from '../../../main/engine/weights/random-checkpoint';
import { clipBpePath, testCacheDir, tinyRefDir } from '../../helpers/paths';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openDemoModel(); });
afterAll(async () => { await rt.dispose(); });

const base = { prompt: 'a green circle on a blue background', negativePrompt: '', cfg: 5, eta: 0, width: 128, height: 128, images: 1, previewEvery: 0 };

describe('VAE round trip on training-style pictures', () => {
  const scenes: ShapeScene[] = [
    { shape: 'circle', colour: 'red', background: 'blue' },
    { shape: 'square', colour: 'yellow', background: 'black', r: 20, cx: 40, cy: 44 },
    { shape: 'triangle', colour: 'white', background: 'purple' },
    { shape: 'ring', colour: 'orange', background: 'green', r: 30 },
  ];
  for (const scene of scenes) {
    it(`encode → decode keeps PSNR ≥ 25 dB: ${scene.colour} ${scene.shape} on ${scene.background}`, async () => {
      const img = await renderShape(scene);
      const moments = await rt.encode(toVaeInput(img), 16, 16);
      const decoded = await rt.decode(latentFromMoments(moments, rt.model.hints.scaleFactor), 16, 16);
      const back = toRgb(decoded, 128, 128);
      const db = psnr(img.rgb, back.rgb);
      console.log(`round trip ${scene.colour} ${scene.shape} on ${scene.background}: PSNR ${db.toFixed(2)} dB`);
      expect(db).toBeGreaterThanOrEqual(25);
    });
  }
});

describe('strength 1 is text-to-image from the same noise', () => {
  for (const sampler of ['ddim', 'euler_a', 'dpmpp_2m'] as SamplerName[]) {
    it(sampler, async () => {
      const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
      const p = { ...base, sampler, steps: 8, seed: 11, accel: planAcceleration({ mode: 'baseline' }, img2imgEvaluations(sampler, 8, 1)) };
      const a = await txt2img(rt, p);
      const b = await img2img(rt, { ...p, init: { image, strength: 1 } });
      expect(b.start).toEqual({ scheduleSteps: 8, startStep: 0, stepsRun: 8, pureNoise: true });
      expect(b.latents).toEqual(a.latents);
      expect(b.images[0]!.rgb).toEqual(a.images[0]!.rgb);
    });
  }
});

describe('image-to-image', () => {
  it('runs only the steps its strength gives, and low strength stays close to the input', async () => {
    const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
    const evaluations = img2imgEvaluations('ddim', 30, 0.3);
    const r = await img2img(rt, { ...base, prompt: 'a large red circle on a blue background', sampler: 'ddim', steps: 30, seed: 3,
      accel: planAcceleration({ mode: 'dato' }, evaluations), init: { image, strength: 0.3 } });
    expect(r.steps).toHaveLength(9);
    expect(r.steps[0]!.timestep).toBe(8 * 33 + 1); // 30 steps, stride 33: the 9th timestep from the end
    expect(r.steps[0]!.kind).toBe('full');
    const db = psnr(image.rgb, r.images[0]!.rgb);
    console.log(`strength 0.3, DaTo: PSNR vs input ${db.toFixed(2)} dB`);
    expect(db).toBeGreaterThan(20);
  });
});

describe('inpainting', () => {
  it('pixels outside the mask are the input bytes; the shape takes the new colour', async () => {
    const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
    const mask = discMask(128, 64, 64, 44);
    for (const sampler of ['ddim', 'euler'] as SamplerName[]) {
      const r = await img2img(rt, {
        ...base, prompt: 'a large yellow circle on a blue background', sampler, steps: 20, seed: 5,
        accel: planAcceleration({ mode: 'baseline' }, img2imgEvaluations(sampler, 20, 1)),
        init: { image, strength: 1, mask, maskedContent: 'fill' },
      });
      const out = r.images[0]!.rgb;
      let outsideDiff = 0;
      let yellowish = 0;
      for (let p = 0; p < mask.length; p++) {
        if (mask[p] === 0) { for (let k = 0; k < 3; k++) outsideDiff += Number(out[p * 3 + k] !== image.rgb[p * 3 + k]); }
        const [rr, gg, bb] = [out[p * 3]!, out[p * 3 + 1]!, out[p * 3 + 2]!];
        if (rr > 170 && gg > 160 && bb < 120) yellowish++;
      }
      console.log(`inpaint ${sampler}: ${yellowish} yellow pixels, ${outsideDiff} changed bytes outside the mask`);
      expect(outsideDiff).toBe(0);
      expect(yellowish).toBeGreaterThan(500);
    }
  });
});

describe('inpainting checkpoints (UNet in_channels 9), random weights', () => {
  it('are detected from the weights and get the mask and masked-image latent as extra channels', async () => {
    const dir = join(testCacheDir, 'random-inpainting-sd1');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(tinyRefDir, 'config.json'), join(dir, 'config.json')); // the tiny architecture's head counts
    const file = join(dir, 'model.safetensors');
    await writeRandomCheckpoint(file, { ...TINY_CONFIG, unet: { ...TINY_CONFIG.unet, inChannels: 9 } }, { dtype: 'F32', seed: 9, layout: 'ldm' });
    const inpaint = await Runtime.open(file, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });
    try {
      expect(takesInpaintConditioning(inpaint)).toBe(true);
      const image = await renderShape({ shape: 'square', colour: 'white', background: 'black', size: 64, r: 12 });
      const mask = discMask(64, 32, 32, 14);
      const p = { ...base, width: 64, height: 64, sampler: 'euler' as const, steps: 3, seed: 2,
        accel: planAcceleration({ mode: 'baseline' }, img2imgEvaluations('euler', 3, 0.8)) };
      const r = await img2img(inpaint, { ...p, init: { image, strength: 0.8, mask } });
      for (let q = 0; q < mask.length; q++) if (mask[q] === 0) expect(r.images[0]!.rgb[q * 3]).toBe(image.rgb[q * 3]);
      expect(r.latentShape).toEqual([1, 4, 8, 8]);
      // text-to-image on it: everything masked, from pure noise
      const t = await img2img(inpaint, { ...p, accel: planAcceleration({ mode: 'baseline' }, 3), init: blankInpaintInit(64, 64) });
      expect(t.start.pureNoise).toBe(true);
    } finally {
      await inpaint.dispose();
    }
  });
});
