// Which library add-ons an image's parameters name (issue 11): LoRAs, embeddings and the VAE are found by
// A1111 short hash first, then by file name; what the library lacks is named, so the user knows what to import.
import type { AddonDto, AddonKind, ImageAddonsDto, LoraUseDto } from '../../../preload/contract';

export interface RestoredAddons {
  readonly loras: LoraUseDto[];
  /** null: the image names no VAE (or one that is missing). */
  readonly vaeId: number | null;
  readonly clipSkip: number | null;
  /** "LoRA “ink”", "embedding “bad-hands”", … for each one the library lacks. */
  readonly missing: string[];
}

const KIND_WORDS: Record<AddonKind, string> = { lora: 'LoRA', embedding: 'embedding', vae: 'VAE' };

export function findAddon(library: readonly AddonDto[], kind: AddonKind, ref: { name: string; hash: string | null }): AddonDto | undefined {
  const ofKind = library.filter((a) => a.kind === kind);
  const stem = ref.name.replace(/\.safetensors$/i, '');
  return (ref.hash ? ofKind.find((a) => a.hash === ref.hash) : undefined)
    ?? ofKind.find((a) => a.name === stem) ?? ofKind.find((a) => a.name.toLowerCase() === stem.toLowerCase());
}

export function restoreAddons(image: ImageAddonsDto, library: readonly AddonDto[]): RestoredAddons {
  const missing: string[] = [];
  const lookup = (kind: AddonKind, ref: { name: string; hash: string | null }): AddonDto | undefined => {
    const found = findAddon(library, kind, ref);
    if (!found) missing.push(`${KIND_WORDS[kind]} “${ref.name.replace(/\.safetensors$/i, '')}”`);
    return found;
  };
  const loras = image.loras.flatMap((l) => {
    const found = lookup('lora', l);
    return found ? [{ addonId: found.id, unet: l.unet, text: l.text }] : [];
  });
  // prompt tags stay in the prompt: they only need to be in the library
  for (const l of image.promptLoras) lookup('lora', l);
  for (const e of image.embeddings) lookup('embedding', e);
  const vae = image.vae ? lookup('vae', image.vae) : undefined;
  return { loras, vaeId: vae?.id ?? null, clipSkip: image.clipSkip, missing };
}

/** Library embeddings whose trigger word (file name) is in the prompts: the engine uses exactly these. */
export function embeddingsInPrompt(library: readonly AddonDto[], ...prompts: string[]): AddonDto[] {
  const text = prompts.join('\n').toLowerCase();
  return library.filter((a) => a.kind === 'embedding' && text.includes(a.name.toLowerCase()));
}
