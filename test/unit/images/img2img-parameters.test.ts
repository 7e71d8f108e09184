// Image-to-image / inpainting / hires-fix settings through A1111 `parameters` text and back.
import { describe, expect, it } from 'vitest';
import { formatA1111Parameters, parseA1111Parameters } from '../../../main/images/parameters';
import { hiresParameterFields, readSourceFields, sourceParameterFields, type SourceSettings } from '../../../main/images/img2img-parameters';
import type { HiresSettings } from '../../../main/engine/index';

const base = { prompt: 'a green circle', negativePrompt: '', steps: 30, sampler: 'ddim' as const, cfg: 5, seed: 7, width: 128, height: 128 };

function roundTrip(extra: Record<string, string | number>): Record<string, string> {
  return parseA1111Parameters(formatA1111Parameters({ ...base, extra })).fields;
}

describe('img2img parameters', () => {
  it('writes the A1111 names and reads every setting back', () => {
    const settings: SourceSettings = {
      strength: 0.6, resizeMode: 'crop',
      mask: { blur: 4, invert: true, content: 'noise', onlyMasked: true, padding: 24 },
    };
    const fields = roundTrip(sourceParameterFields(settings));
    expect(fields).toMatchObject({
      'Denoising strength': '0.6', 'Resize mode': 'Crop and resize', 'Mask blur': '4', 'Masked content': 'latent noise',
      'Inpaint area': 'Only masked', 'Masked area padding': '24', 'Mask mode': 'Inpaint not masked',
    });
    expect(readSourceFields(fields)).toEqual({ source: settings });
  });

  it('plain image-to-image has no mask fields', () => {
    const fields = roundTrip(sourceParameterFields({ strength: 0.75, resizeMode: 'resize' }));
    expect(fields['Mask blur']).toBeUndefined();
    expect(readSourceFields(fields)).toEqual({ source: { strength: 0.75, resizeMode: 'resize' } });
  });

  it('hires fix: Hires upscale / steps / upscaler and the second pass strength', () => {
    const hires: HiresSettings = { scale: 2, steps: 12, strength: 0.55, upscaler: 'latent-nearest' };
    const fields = roundTrip(hiresParameterFields(hires));
    expect(fields).toMatchObject({ 'Hires upscale': '2', 'Hires steps': '12', 'Hires upscaler': 'Latent (nearest-exact)', 'Denoising strength': '0.55' });
    expect(readSourceFields(fields)).toEqual({ hires });
  });

  it('a text-to-image picture has neither', () => {
    expect(readSourceFields(roundTrip({}))).toEqual({});
  });
});
