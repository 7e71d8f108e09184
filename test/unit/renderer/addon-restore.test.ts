// Reading an image's add-ons back against the library (issue 11): by A1111 hash first, then by file name;
// what the library lacks is named; prompt tags only need to be present; embeddings found in prompts.
import { describe, expect, it } from 'vitest';
import type { AddonDto, AddonKind } from '../../../preload/contract';
import { embeddingsInPrompt, restoreAddons } from '../../../renderer/src/lib/addon-restore';

let nextId = 1;
function addon(kind: AddonKind, name: string, hash: string): AddonDto {
  const info = kind === 'lora'
    ? { kind, layout: 'kohya', modules: { unet: 1, text: 0 }, adapters: ['lora'], rank: 4, baseModel: null, madeFor: null, triggerWords: [], unknownKeys: 0 } as const
    : kind === 'embedding' ? { kind, trigger: name, vectors: 1, width: 768, madeFor: 'sd1' } as const : { kind, layout: 'ldm', tensors: 1 } as const;
  return { id: nextId++, kind, name, fileName: `${name}.safetensors`, hash, info, preview: null, sizeBytes: 1, managedCopy: false, addedAt: 0 };
}

describe('restoreAddons', () => {
  const renamed = addon('lora', 'ink-v2', 'aaaaaaaaaaaa'); // same file as the image's "ink", renamed
  const glossy = addon('lora', 'Glossy', 'bbbbbbbbbbbb');
  const vae = addon('vae', 'kl-f8', 'cccccccccc');
  const emb = addon('embedding', 'bad-hands', 'dddddddddddd');
  const library = [renamed, glossy, vae, emb];

  it('finds LoRAs by hash, then by name (any case), keeps their weights, and the VAE by hash', () => {
    const r = restoreAddons({
      loras: [{ name: 'ink', hash: 'aaaaaaaaaaaa', unet: 0.8, text: 0.4 }, { name: 'glossy', hash: null, unet: 1, text: 1 }],
      promptLoras: [], embeddings: [{ name: 'bad-hands', hash: 'zzz' }], vae: { name: 'other-name.safetensors', hash: 'cccccccccc' }, clipSkip: 2,
    }, library);
    expect(r).toEqual({
      loras: [{ addonId: renamed.id, unet: 0.8, text: 0.4 }, { addonId: glossy.id, unet: 1, text: 1 }], vaeId: vae.id, clipSkip: 2, missing: [],
    });
  });

  it('names what the library lacks, prompt-tag LoRAs included, and never picks a file of another kind', () => {
    const r = restoreAddons({
      loras: [{ name: 'kl-f8', hash: null, unet: 1, text: 1 }], promptLoras: [{ name: 'gone', hash: 'ffffffffffff' }, { name: 'Glossy', hash: null }],
      embeddings: [{ name: 'easynegative', hash: '123456789012' }], vae: { name: 'vae-ft-mse.safetensors', hash: '0123456789' }, clipSkip: null,
    }, library);
    expect(r.loras).toEqual([]);
    expect(r.vaeId).toBeNull();
    expect(r.clipSkip).toBeNull();
    expect(r.missing).toEqual(['LoRA “kl-f8”', 'LoRA “gone”', 'embedding “easynegative”', 'VAE “vae-ft-mse”']);
  });
});

describe('embeddingsInPrompt', () => {
  it('lists the library embeddings whose trigger is in either prompt, case-insensitively', () => {
    const a = addon('embedding', 'Sparkle', '1');
    const b = addon('embedding', 'bad-hands', '2');
    const lora = addon('lora', 'sparkle', '3');
    expect(embeddingsInPrompt([a, b, lora], 'a sparkle star', 'BAD-HANDS').map((e) => e.name)).toEqual(['Sparkle', 'bad-hands']);
    expect(embeddingsInPrompt([a, b], 'a star', '')).toEqual([]);
  });
});
