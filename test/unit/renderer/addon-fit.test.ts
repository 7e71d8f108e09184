// The picker's warning for a LoRA or embedding made for another model family than the chosen model's.
import { describe, expect, it } from 'vitest';
import type { AddonDto, AddonInfoDto, ModelDto } from '../../../preload/contract';
import { addonMismatch } from '../../../renderer/src/lib/addon-fit';

const addon = (info: AddonInfoDto): AddonDto => ({
  id: 1, kind: info.kind, name: 'x', fileName: 'x.safetensors', hash: 'h', info, preview: null, sizeBytes: 1, managedCopy: false, addedAt: 0,
});
const lora = (madeFor: 'sd1' | 'sd2' | 'sdxl' | null) => addon({
  kind: 'lora', layout: 'kohya', modules: { unet: 1, text: 0 }, adapters: ['lora'], rank: 4, baseModel: null, madeFor, triggerWords: [], unknownKeys: 0,
});
const model = (family: 'sd1' | 'sd2' | null): ModelDto => ({
  id: 1, name: 'My model', kind: 'single-file', isDemo: false, description: '', examplePrompts: [], isDefault: true, sizeBytes: 1,
  fileName: 'm.safetensors', managedCopy: false, addedAt: 0,
  architecture: family === null ? null : {
    family, prediction: 'eps', nativeSize: 512, unetParameters: 1, textParameters: 1, vaeParameters: 1, modelChannels: 320, contextDim: 768,
  },
});

describe('addonMismatch', () => {
  it('says when a LoRA or an embedding was made for another family', () => {
    expect(addonMismatch(lora('sd2'), model('sd1'))).toBe('Made for SD 2.x; My model is SD 1.x.');
    expect(addonMismatch(lora('sdxl'), model('sd2'))).toBe('Made for SDXL; My model is SD 2.x.');
    expect(addonMismatch(addon({ kind: 'embedding', trigger: 'e', vectors: 1, width: 1024, madeFor: 'sd2' }), model('sd1'))).toBe('Made for SD 2.x; My model is SD 1.x.');
  });

  it('is silent when it fits, when the add-on or the model does not say, and for VAEs', () => {
    expect(addonMismatch(lora('sd1'), model('sd1'))).toBeNull();
    expect(addonMismatch(lora(null), model('sd1'))).toBeNull();
    expect(addonMismatch(lora('sd2'), model(null))).toBeNull();
    expect(addonMismatch(lora('sd2'), null)).toBeNull();
    expect(addonMismatch(addon({ kind: 'vae', layout: 'ldm', tensors: 1 }), model('sd1'))).toBeNull();
  });
});
