// Every payload is parsed by the contract before any handler runs: wrong types, huge strings, unknown keys,
// `__proto__`, NaN, oversize images, unknown methods and local-only methods from remote callers are all
// refused with 'invalid-request' / 'forbidden', and no handler is ever called for them (zero side effects).
import { describe, expect, it } from 'vitest';
import { createDispatch, type Handlers } from '../../../main/services/dispatch';
import { LIMITS, METHODS, METHOD_NAMES, type GenerateParams } from '../../../preload/contract';

function recordingHandlers(): { handlers: Handlers; calls: string[] } {
  const calls: string[] = [];
  const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, (args: unknown) => { calls.push(m); return { echoed: args }; }])) as unknown as Handlers;
  return { handlers, calls };
}

const valid: GenerateParams = {
  modelId: null, prompt: 'a cat', negativePrompt: '', accel: { mode: 'dato', pruneRatio: 0.4 }, sampler: 'ddim', steps: 30, cfg: 7.5,
  width: 512, height: 512, seed: { mode: 'random' }, batchCount: 1,
};

const img2img = {
  imageId: 1, maskId: 2, strength: 0.75, resizeMode: 'crop', maskBlur: 4, maskedContent: 'original', inpaintArea: 'only-masked', padding: 32, outpaint: null,
} as const;

const hires = { scale: 2, steps: 0, strength: 0.7, upscaler: 'latent' } as const;

const malformed: [string, unknown][] = [
  ['not an object', 'hello'],
  ['an array', [valid]],
  ['null', null],
  ['prompt not a string', { ...valid, prompt: 42 }],
  ['huge prompt', { ...valid, prompt: 'x'.repeat(LIMITS.promptChars + 1) }],
  ['NUL in prompt', { ...valid, prompt: 'a\0b' }],
  ['unknown key', { ...valid, modelPath: '/etc/passwd' }],
  ['__proto__ key', JSON.parse(`{"modelId":null,"prompt":"a","negativePrompt":"","accel":{"mode":"baseline"},"sampler":"ddim","steps":30,"cfg":7,"width":512,"height":512,"seed":{"mode":"random"},"batchCount":1,"__proto__":{"polluted":true}}`)],
  ['__proto__ in nested accel', { ...valid, accel: JSON.parse('{"mode":"baseline","__proto__":{"x":1}}') }],
  ['NaN cfg', { ...valid, cfg: NaN }],
  ['Infinity steps', { ...valid, steps: Infinity }],
  ['fractional steps', { ...valid, steps: 2.5 }],
  ['steps out of range', { ...valid, steps: 100000 }],
  ['width not a multiple of 8', { ...valid, width: 500 }],
  ['oversize width×height', { ...valid, width: 2048, height: 2048 }],
  ['side too large', { ...valid, width: 4096, height: 64 }],
  ['negative batch', { ...valid, batchCount: -1 }],
  ['batch too large', { ...valid, batchCount: LIMITS.maxBatchCount + 1 }],
  ['unknown sampler', { ...valid, sampler: 'magic' }],
  ['unknown mode', { ...valid, accel: { mode: 'turbo' } }],
  ['custom without schedule', { ...valid, accel: { mode: 'custom' } }],
  ['bad schedule letters', { ...valid, accel: { mode: 'custom', schedule: 'F,X,S' } }],
  ['prune ratio too high', { ...valid, accel: { mode: 'dato', pruneRatio: 0.9 } }],
  ['seed out of range', { ...valid, seed: { mode: 'fixed', value: 2 ** 40 } }],
  ['seed with unknown mode', { ...valid, seed: { mode: 'lucky' } }],
  ['seed value on random', { ...valid, seed: { mode: 'random', value: 3 } }],
  ['string number', { ...valid, steps: '30' }],
  ['getter field', Object.defineProperty({ ...valid }, 'prompt', { get: () => 'x', enumerable: true })],
  ['class instance', Object.assign(Object.create({ inherited: 1 }) as object, valid)],
  // image-to-image (issue 9)
  ['source strength 0', { ...valid, source: { ...img2img, strength: 0 } }],
  ['source strength above 1', { ...valid, source: { ...img2img, strength: 1.5 } }],
  ['unknown resize mode', { ...valid, source: { ...img2img, resizeMode: 'stretch' } }],
  ['unknown masked content', { ...valid, source: { ...img2img, maskedContent: 'latent nothing' } }],
  ['mask blur too large', { ...valid, source: { ...img2img, maskBlur: 65 } }],
  ['source image id 0', { ...valid, source: { ...img2img, imageId: 0 } }],
  ['outpaint with no side', { ...valid, source: { ...img2img, outpaint: { left: 0, right: 0, top: 0, bottom: 0 } } }],
  ['outpaint with a mask', { ...valid, source: { ...img2img, maskId: 3, outpaint: { left: 8, right: 0, top: 0, bottom: 0 } } }],
  ['negative outpaint', { ...valid, source: { ...img2img, outpaint: { left: -8, right: 0, top: 0, bottom: 0 } } }],
  ['source path instead of id', { ...valid, source: { ...img2img, path: '/etc/passwd' } }],
  // hires fix (issue 9)
  ['hires scale 1', { ...valid, hires: { ...hires, scale: 1 } }],
  ['hires scale above the limit', { ...valid, hires: { ...hires, scale: 4.5 } }],
  ['hires target too large', { ...valid, width: 1024, height: 1024, hires: { ...hires, scale: 2 } }],
  ['hires steps negative', { ...valid, hires: { ...hires, steps: -1 } }],
  ['hires steps fractional', { ...valid, hires: { ...hires, steps: 1.5 } }],
  ['hires strength 0', { ...valid, hires: { ...hires, strength: 0 } }],
  ['unknown hires upscaler', { ...valid, hires: { ...hires, upscaler: 'esrgan' } }],
  ['hires with an unknown key', { ...valid, hires: { ...hires, denoise: 0.5 } }],
  ['hires with image-to-image', { ...valid, source: img2img, hires }],
];

describe('contract validation through dispatch', () => {
  it('accepts image-to-image, inpainting and outpainting requests; stored pictures only as bytes, only locally', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatch(handlers);
    for (const source of [img2img, { ...img2img, maskId: null, outpaint: { left: 8, right: 0, top: 16, bottom: 0 } }]) {
      await expect(dispatch('generation.enqueue', { ...valid, source }, { remote: true })).resolves.toMatchObject({ ok: true, value: { echoed: { source } } });
    }
    const bytes = new Uint8Array([1, 2, 3]);
    await expect(dispatch('images.storeSource', { bytes, kind: 'mask' }, { remote: false })).resolves.toMatchObject({ ok: true });
    await expect(dispatch('images.storeSource', { bytes, kind: 'mask' }, { remote: true })).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect(dispatch('images.storeSource', { bytes: [1, 2, 3], kind: 'image' }, { remote: false })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    await expect(dispatch('images.storeSource', { bytes: new Uint8Array(0), kind: 'image' }, { remote: false })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(calls).toEqual(['generation.enqueue', 'generation.enqueue', 'images.storeSource']);
  });

  it('accepts hires fix on text-to-image, and asks for its plan cost', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatch(handlers);
    for (const h of [hires, { scale: 1.5, steps: 2, strength: 0.35, upscaler: 'lanczos' }, { scale: 4, steps: LIMITS.maxSteps, strength: 1, upscaler: 'latent-nearest' }]) {
      const params = { ...valid, width: 256, height: 256, hires: h }; // 256 × 4 = 1024: within the pixel budget
      await expect(dispatch('generation.enqueue', params, { remote: true })).resolves.toMatchObject({ ok: true, value: { echoed: params } });
    }
    const cost = { modelId: null, accel: valid.accel, sampler: 'ddim', steps: 30, width: 512, height: 512, hires };
    await expect(dispatch('generation.planCost', cost, { remote: true })).resolves.toMatchObject({ ok: true, value: { echoed: cost } });
    await expect(dispatch('generation.planCost', { ...cost, hires: { ...hires, scale: 8 } }, { remote: true })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(calls).toEqual(['generation.enqueue', 'generation.enqueue', 'generation.enqueue', 'generation.planCost']);
  });

  it.each(malformed)('rejects generation.enqueue with %s and calls nothing', async (_name, payload) => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatch(handlers)('generation.enqueue', payload, { remote: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(calls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a valid payload and hands the handler a fresh copy', async () => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatch(handlers)('generation.enqueue', valid, { remote: false });
    expect(result).toEqual({ ok: true, value: { echoed: valid } });
    expect((result as { value: { echoed: unknown } }).value.echoed).not.toBe(valid);
    expect(calls).toEqual(['generation.enqueue']);
  });

  it('rejects unknown methods, prototype names and bad argument shapes on every method', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatch(handlers);
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 'generation', 42, null]) {
      expect(await dispatch(method, {}, { remote: false })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    for (const method of METHOD_NAMES) {
      expect(await dispatch(method, { unexpected: true }, { remote: false })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      expect(await dispatch(method, 'string', { remote: false })).toMatchObject({ ok: false });
    }
    expect(calls).toEqual([]);
  });

  it('refuses local-only methods to remote callers before validating or running them', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatch(handlers);
    const local = METHOD_NAMES.filter((m) => !METHODS[m].remoteAllowed);
    expect(local).toEqual(expect.arrayContaining(['models.importPath', 'models.importWithDialog', 'gallery.revealInFolder', 'settings.chooseOutputDir']));
    expect(await dispatch('models.importPath', { path: '/etc/passwd' }, { remote: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch('models.importPath', { path: '/etc/passwd' }, { remote: false })).toMatchObject({ ok: true });
    expect(calls).toEqual(['models.importPath']);
  });

  it('checks ids, id lists and paths', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatch(handlers);
    const bad: [string, unknown][] = [
      ['gallery.get', { generationId: 0 }], ['gallery.get', { generationId: -1 }], ['gallery.get', { generationId: 1.5 }],
      ['gallery.delete', { generationIds: [] }], ['gallery.delete', { generationIds: new Array(LIMITS.maxIdsPerCall + 1).fill(1) }],
      ['models.importPath', { path: 'relative/model.safetensors' }], ['models.importPath', { path: `/${'a'.repeat(5000)}` }],
      ['gallery.list', { limit: 0 }], ['gallery.list', { limit: 10, cursor: "1; DROP TABLE generations" }],
      ['gallery.list', { limit: 10, search: 'x'.repeat(LIMITS.maxSearchChars + 1) }],
      ['settings.update', { executionProvider: 'tpu' }], ['settings.update', { cpuThreads: 0 }],
      ['generation.cancel', { jobId: '../../x' }], ['compare.start', { params: {}, variants: [] }],
    ];
    for (const [method, args] of bad) {
      expect(await dispatch(method, args, { remote: false }), `${method} ${JSON.stringify(args).slice(0, 60)}`).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(calls).toEqual([]);
  });

  it('maps errors thrown by handlers to { code, message }', async () => {
    const { handlers } = recordingHandlers();
    handlers['system.info'] = () => { throw Object.assign(new Error('boom'), { code: 'SQLITE_FULL' }); };
    expect(await createDispatch(handlers)('system.info', {}, { remote: false })).toMatchObject({ ok: false, error: { code: 'disk-full' } });
  });
});
