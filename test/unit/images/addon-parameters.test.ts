// The add-ons of an image in its parameters (issue 11): what a generation applied becomes A1111's fields, and
// those fields (or our chunk, which has the LoRA weights) are read back; prompt tags are kept apart.
import { describe, expect, it } from 'vitest';
import type { AppliedAddonsDto } from '../../../preload/contract';
import { appliedAddonFields, imageAddons, promptLoraNames } from '../../../main/images/addon-parameters';
import { formatA1111Parameters, parseA1111Parameters } from '../../../main/images/parameters';
import type { StudioMetadata } from '../../../main/images/studio-metadata';

const applied: AppliedAddonsDto = {
  loras: [
    { name: 'ink', hash: '0123456789ab', unet: 0.8, text: 0.4, applied: 3, modules: 3, unmatched: 0, unmatchedExamples: [] },
    { name: 'glossy', hash: 'ba9876543210', unet: 1, text: 1, applied: 1, modules: 2, unmatched: 1, unmatchedExamples: ['x'] },
  ],
  embeddings: [{ name: 'bad-hands', hash: 'aaaaaaaaaaaa' }],
  vae: { name: 'kl-f8.safetensors', hash: 'cccccccccc' },
  clipSkip: 2,
};

function parsed(prompt: string, a: AppliedAddonsDto | null) {
  const text = formatA1111Parameters({ prompt, negativePrompt: '', steps: 20, sampler: 'ddim', cfg: 7, seed: 1, width: 512, height: 512, extra: appliedAddonFields(a) });
  return { text, p: parseA1111Parameters(text) };
}

describe('add-ons in the parameters text', () => {
  it('writes A1111 fields and reads them back (a tagged LoRA stays with the prompt)', () => {
    const { text, p } = parsed('a fox <lora:glossy:0.7>', applied);
    expect(text).toContain('Clip skip: 2, VAE hash: cccccccccc, VAE: kl-f8.safetensors, Lora hashes: "ink: 0123456789ab, glossy: ba9876543210", TI hashes: "bad-hands: aaaaaaaaaaaa"');
    expect(imageAddons(p.prompt, p.fields, null)).toEqual({
      loras: [{ name: 'ink', hash: '0123456789ab', unet: 1, text: 1 }], // A1111's text has no weights outside the prompt
      promptLoras: [{ name: 'glossy', hash: 'ba9876543210' }],
      embeddings: [{ name: 'bad-hands', hash: 'aaaaaaaaaaaa' }],
      vae: { name: 'kl-f8.safetensors', hash: 'cccccccccc' },
      clipSkip: 2,
    });
  });

  it('takes the LoRA weights from our chunk when the image came from DaTo Studio', () => {
    const { p } = parsed('a fox', applied);
    const studio = { addons: applied } as unknown as StudioMetadata;
    expect(imageAddons(p.prompt, p.fields, studio)?.loras).toEqual([
      { name: 'ink', hash: '0123456789ab', unet: 0.8, text: 0.4 }, { name: 'glossy', hash: 'ba9876543210', unet: 1, text: 1 },
    ]);
  });

  it('writes nothing for a plain generation, and an image without add-ons reads back as none', () => {
    expect(appliedAddonFields(null)).toEqual({});
    expect(appliedAddonFields({ loras: [], embeddings: [], vae: null, clipSkip: 1 })).toEqual({});
    const { p } = parsed('a fox', null);
    expect(imageAddons(p.prompt, p.fields, null)).toBeNull();
  });

  it('finds the names of prompt tags in every A1111 form', () => {
    expect(promptLoraNames('<lora:a> x <lora:b:0.5> <lora:c:1:0.2> <lora:d:te=1> <lora:a:2>')).toEqual(['a', 'b', 'c', 'd']);
  });
});
