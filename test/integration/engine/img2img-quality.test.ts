// End to end on the demo model: image-to-image of a red circle on blue with the prompt "a green circle on a
// blue background" at strength 0.75 must turn the shape green and keep the background blue in most of 16 seeds,
// with plain sampling and with DaTo; inpainting the shape region with a new colour must change it and leave the
// rest identical. Colours are read back with the benchmark's colour-adherence reader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAcceleration, type AccelMode } from '../../../main/engine/accel/plan';
import { img2img } from '../../../main/engine/pipeline/img2img';
import { img2imgEvaluations } from '../../../main/engine/pipeline/img2img-start';
import type { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { readColours } from '../../../bench/colour-adherence';
import { discMask, PALETTE, renderShape } from '../../fixtures/shape-images';
import { openDemoModel } from '../../helpers/runtimes';

const SEEDS = 16;
const palette = new Map(Object.entries(PALETTE));
let rt: ModelRuntime;
beforeAll(async () => { rt = await openDemoModel(); });
afterAll(async () => { await rt.dispose(); });

const common = { negativePrompt: '', cfg: 5, eta: 0, width: 128, height: 128, images: 1, previewEvery: 0, sampler: 'ddim' as const, steps: 30 };

describe('demo model, red circle on blue → "a green circle on a blue background"', () => {
  for (const mode of ['baseline', 'dato'] as AccelMode[]) {
    it(`strength 0.75, ${mode}: green shape and blue background in most of ${SEEDS} seeds`, async () => {
      const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
      const accel = planAcceleration({ mode }, img2imgEvaluations('ddim', 30, 0.75));
      let both = 0;
      const readings: string[] = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        const r = await img2img(rt, { ...common, prompt: 'a green circle on a blue background', seed, accel, init: { image, strength: 0.75 } });
        const c = readColours(r.images[0]!.rgb, 128, 128, palette);
        readings.push(`${c.shape}/${c.background}`);
        if (c.shape === 'green' && c.background === 'blue') both++;
      }
      console.log(`img2img 0.75 ${mode}: ${both}/${SEEDS} green shape on blue (${readings.join(' ')})`);
      expect(both).toBeGreaterThan(SEEDS / 2);
    }, 600_000);
  }

  it(`inpainting the circle yellow (strength 1, masked content fill) in most of ${SEEDS / 2} seeds, the rest identical`, async () => {
    const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
    const mask = discMask(128, 64, 64, 44);
    const accel = planAcceleration({ mode: 'dato' }, img2imgEvaluations('ddim', 30, 1));
    let yellow = 0;
    for (let seed = 0; seed < SEEDS / 2; seed++) {
      const r = await img2img(rt, { ...common, prompt: 'a large yellow circle on a blue background', seed, accel,
        init: { image, strength: 1, mask, maskedContent: 'fill' } });
      const out = r.images[0]!.rgb;
      for (let p = 0; p < mask.length; p++) if (mask[p] === 0) for (let k = 0; k < 3; k++) expect(out[p * 3 + k]).toBe(image.rgb[p * 3 + k]);
      if (readColours(out, 128, 128, palette).shape === 'yellow') yellow++;
    }
    console.log(`inpaint yellow, dato: ${yellow}/${SEEDS / 2}`);
    expect(yellow).toBeGreaterThan(SEEDS / 4);
  }, 600_000);
});
