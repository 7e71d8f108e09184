// Quality, not only agreement: the demo model (a trained SD1-architecture model) draws its 64 held-out
// captions in every mode with the same seeds; colour adherence (did the image get the caption's background
// and shape colours?) is reported beside the speed-up and the PSNR against the baseline images.
import { planAcceleration, type AccelMode } from '../main/engine/accel/plan';
import { ModelRuntime } from '../main/engine/pipeline/model-runtime';
import { txt2img } from '../main/engine/pipeline/txt2img';
import type { Resources } from '../main/engine/resources';
import type { RuntimeConfig } from '../main/engine/runtime/session-options';
import { evaluationCount } from '../main/engine/schedulers/index';
import { readColours } from './colour-adherence';
import { loadEvalCaptions } from './demo-captions';
import { psnr } from '../main/common/stats';

/** The demo model's recommended sampling (its README): DDIM 30 steps, CFG 5, 128×128. */
const DEMO = { sampler: 'ddim' as const, steps: 30, cfg: 5, size: 128 };

export interface ModeQuality {
  readonly mode: AccelMode;
  readonly colour_adherence: number;
  readonly background_correct: number;
  readonly shape_correct: number;
  readonly mean_psnr_vs_baseline: number | 'Infinity';
  readonly unet_loop_s: number;
  readonly speedup_vs_baseline: number;
}

export async function measureQuality(modes: readonly AccelMode[], resources: Resources, runtime: RuntimeConfig) {
  const { captions, palette } = loadEvalCaptions(resources.demoModel);
  const rt = await ModelRuntime.open(resources.demoModel, runtime, { clipVocab: resources.clipVocab });
  const evaluations = evaluationCount(DEMO.sampler, DEMO.steps);
  const baselineImages: Uint8Array[] = [];
  const results: ModeQuality[] = [];
  let baselineLoop = 0;
  for (const mode of modes) {
    let both = 0; let bg = 0; let shape = 0; let loop = 0; let psnrSum = 0;
    for (const [i, c] of captions.entries()) {
      const r = await txt2img(rt, {
        prompt: c.caption, negativePrompt: '', sampler: DEMO.sampler, steps: DEMO.steps, cfg: DEMO.cfg, eta: 0,
        width: DEMO.size, height: DEMO.size, seed: i, images: 1, accel: planAcceleration({ mode }, evaluations), previewEvery: 0,
      });
      const image = r.images[0]!;
      const read = readColours(image.rgb, image.width, image.height, palette);
      bg += read.background === c.background_colour ? 1 : 0;
      shape += read.shape === c.shape_colour ? 1 : 0;
      both += read.background === c.background_colour && read.shape === c.shape_colour ? 1 : 0;
      loop += r.timings.unetLoop;
      if (mode === 'baseline') baselineImages.push(image.rgb);
      psnrSum += Math.min(psnr(image.rgb, baselineImages[i]!), 100); // identical images count as 100 dB
    }
    if (mode === 'baseline') baselineLoop = loop;
    const n = captions.length;
    results.push({
      mode, colour_adherence: both / n, background_correct: bg / n, shape_correct: shape / n,
      mean_psnr_vs_baseline: mode === 'baseline' ? 'Infinity' : psnrSum / n, unet_loop_s: loop, speedup_vs_baseline: baselineLoop / loop,
    });
    console.error(`bench: quality ${mode}: colour adherence ${(both / n).toFixed(3)}`);
  }
  await rt.dispose();
  return {
    model: resources.demoModel, captions: captions.length, sampler: DEMO.sampler, steps: DEMO.steps, cfg: DEMO.cfg,
    size: DEMO.size, seeds: 'caption index (0..63)', modes: results,
  };
}
