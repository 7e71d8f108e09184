// Hires fix in the Generate form (issue 9): off by default, sent only by Generate (never by Img2img / Inpaint),
// the target size follows size and factor, what the contract refuses is said before a run, and stored
// parameters or a dropped image's turn it on (or off) with their values.
import { describe, expect, test } from 'vitest';
import type { GenerateParams, ImageParametersDto } from '../../../../preload/contract';
import { GenerateForm } from '../../../../renderer/src/state/generate-form.svelte';
import { PresetsState } from '../../../../renderer/src/state/presets.svelte';
import { fakeApi } from './fake-api';

async function setUp(): Promise<GenerateForm> {
  const fake = fakeApi({
    generation: {
      presets: async () => [{ id: 1, name: 'Baseline', builtin: true, accel: { mode: 'baseline' } }],
      defaults: async () => ({ modelId: 1, sampler: 'ddim', steps: 4, cfg: 5, width: 128, height: 128, sizes: [], lastSeed: null }),
    },
  });
  const presets = new PresetsState(fake.api);
  await presets.load();
  const form = new GenerateForm(fake.api, presets);
  form.setSize(128, 128);
  form.steps = 4;
  return form;
}

const hires = { scale: 1.5, steps: 2, strength: 0.6, upscaler: 'lanczos' } as const;

describe('GenerateForm: hires fix', () => {
  test('is off by default and then sent by Generate only, with a live target size', async () => {
    const form = await setUp();
    expect(form.toParams().hires).toBeUndefined();
    form.hiresEnabled = true;
    expect(form.toParams().hires).toEqual({ scale: 2, steps: 0, strength: 0.7, upscaler: 'latent' });
    expect(form.hiresTarget).toEqual({ width: 256, height: 256 });
    form.hiresScale = 1.5;
    form.setSize(128, 96);
    expect(form.hiresTarget).toEqual({ width: 192, height: 144 });
    expect(form.toParams('img2img').hires).toBeUndefined();
  });

  test('says what the contract refuses, only while it is on', async () => {
    const form = await setUp();
    form.hiresScale = 5;
    expect(form.hiresProblem).toBeNull();
    form.hiresEnabled = true;
    expect(form.hiresProblem).toBe('Hires fix: Scale must be between 1 and 4.');
    form.hiresScale = 1;
    expect(form.hiresProblem).toBe('Hires fix: Scale must be more than 1.');
    form.hiresScale = 4;
    form.setSize(1024, 1024);
    expect(form.hiresProblem).toMatch(/^Hires fix: Width must be between 64 and 2048\./);
    form.setSize(128, 128);
    expect(form.hiresProblem).toBeNull();
  });

  test('is restored from stored parameters and from a dropped image, and turned off by those without it', async () => {
    const form = await setUp();
    const stored: GenerateParams = {
      modelId: null, prompt: 'p', negativePrompt: '', accel: { mode: 'baseline' }, sampler: 'ddim', steps: 4, cfg: 5,
      width: 128, height: 128, seed: { mode: 'fixed', value: 1 }, batchCount: 1, hires: { ...hires },
    };
    form.apply(stored);
    expect([form.hiresEnabled, form.toParams().hires]).toEqual([true, hires]);
    const { hires: _none, ...plain } = stored;
    form.apply(plain);
    expect(form.hiresEnabled).toBe(false);
    const read: ImageParametersDto = {
      source: 'a1111', prompt: 'p', negativePrompt: null, sampler: null, steps: null, cfg: null, width: null, height: null, seed: null,
      accel: null, modelName: null, notes: [], hires: { ...hires },
    };
    expect(form.applyImageParameters(read, undefined)).toContain('hires fix');
    expect(form.toParams().hires).toEqual(hires);
  });
});
