// What a dropped image's metadata becomes for the Generate form: our chunk adds the acceleration, an
// A1111 text gives the basics, an unknown sampler or another tool's metadata is said, never guessed.
import { describe, expect, it } from 'vitest';
import type { ImageParameters } from '../../../main/images/external-image';
import { parseA1111Parameters } from '../../../main/images/parameters';
import { imageParametersDto } from '../../../main/services/image-parameters';

const png = (raw: string | null, extra: Partial<ImageParameters> = {}): ImageParameters => ({
  format: 'png', width: 512, height: 512, rawParameters: raw, parameters: raw === null ? null : parseA1111Parameters(raw), studio: null,
  textKeywords: raw === null ? [] : ['parameters'], ...extra,
});

describe('imageParametersDto', () => {
  it('maps an A1111 text, and names a sampler it cannot run', () => {
    const dto = imageParametersDto(png('a cat\nNegative prompt: dog\nSteps: 25, Sampler: DPM++ SDE, Schedule type: Karras, CFG scale: 7, Seed: 9, Size: 512x768, Model: sd15'));
    expect(dto).toMatchObject({ source: 'a1111', prompt: 'a cat', negativePrompt: 'dog', steps: 25, cfg: 7, seed: 9, width: 512, height: 768, sampler: null, accel: null, modelName: 'sd15' });
    expect(dto.notes[0]).toMatch(/"DPM\+\+ SDE Karras" is not available/);
  });

  it('takes the acceleration from our own chunk', () => {
    const dto = imageParametersDto(png('a red circle\nSteps: 30, Sampler: DDIM, CFG scale: 5, Seed: 1, Size: 128x128', {
      studio: { format: 1, appVersion: '0.1.0', sampler: 'ddim', mode: 'dato', schedule: 'F,S,K', accel: { pruneRatio: 0.4 }, provider: 'cpu', timings: null, unetSeconds: null, speedup: null },
    }));
    expect(dto).toMatchObject({ source: 'dato-studio', sampler: 'ddim', accel: { mode: 'dato', schedule: 'F,S,K', pruneRatio: 0.4 }, notes: [] });
  });

  it('reads hires fix back (A1111 fields), within what runs here', () => {
    const text = (fields: string) => `a red circle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 3, Size: 512x512, ${fields}`;
    expect(imageParametersDto(png(text('Denoising strength: 0.45, Hires upscale: 1.5, Hires steps: 10, Hires upscaler: Latent (nearest-exact)')))).toMatchObject({
      width: 512, height: 512, hires: { scale: 1.5, steps: 10, strength: 0.45, upscaler: 'latent-nearest' }, notes: [],
    });
    // A1111 leaves out `Hires steps` when it is 0, and names upscalers we do not have (the latent one stands in)
    expect(imageParametersDto(png(text('Denoising strength: 0.7, Hires upscale: 2, Hires upscaler: R-ESRGAN 4x+'))).hires)
      .toEqual({ scale: 2, steps: 0, strength: 0.7, upscaler: 'latent' });
    const tooLarge = imageParametersDto(png(text('Denoising strength: 0.7, Hires upscale: 6, Hires upscaler: Latent')));
    expect(tooLarge.hires).toBeUndefined();
    expect(tooLarge.notes).toEqual([expect.stringMatching(/^Its hires upscale 6 is outside what runs here/)]);
  });

  it('says what another tool\'s PNG or a JPEG carries instead of guessing', () => {
    expect(imageParametersDto(png(null, { textKeywords: ['prompt', 'workflow'] })).notes).toEqual([
      'This PNG has ComfyUI metadata, not A1111-style parameters; nothing could be loaded.',
    ]);
    expect(imageParametersDto(png(null, { format: 'jpeg' }))).toMatchObject({ source: 'none', prompt: null, notes: [expect.stringMatching(/JPEG/)] });
    expect(imageParametersDto(png(null)).notes).toEqual(['This image carries no generation parameters.']);
  });
});
