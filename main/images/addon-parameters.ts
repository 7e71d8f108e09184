// The add-ons of an image in its parameters (issue 11), both ways: A1111's `Clip skip`, `VAE hash`, `VAE`,
// `Lora hashes` and `TI hashes` fields written from what a generation applied, and read back (with our own
// chunk's LoRA weights when the image came from DaTo Studio) into what the Generate form can restore.
// Ref: AUTOMATIC1111 extensions-builtin/Lora/scripts/lora_script.py (`Lora hashes: "name: hash, …"`),
//      modules/textual_inversion (`TI hashes`), modules/sd_vae.py (`VAE hash`, `VAE`).
import type { AppliedAddonsDto, ImageAddonsDto } from '../../preload/contract';
import type { AddonHashes } from '../engine/index';
import { addonFields } from './generation-png';
import type { StudioMetadata } from './studio-metadata';

/** The A1111 fields of what a generation applied (the same text the PNG got when it was saved). */
export function appliedAddonFields(applied: AppliedAddonsDto | null): Record<string, string | number> {
  if (!applied) return {};
  const hashes: AddonHashes = { loras: applied.loras, embeddings: applied.embeddings, ...(applied.vae ? { vae: applied.vae } : {}) };
  return addonFields({ clipSkip: applied.clipSkip }, hashes);
}

/** `name: hash, name: hash` → pairs (A1111 quotes the whole value; parseA1111Parameters unquoted it). */
function hashList(value: string | undefined): { name: string; hash: string | null }[] {
  if (!value) return [];
  return value.split(',').map((part) => {
    const at = part.lastIndexOf(':');
    return at < 0 ? { name: part.trim(), hash: null } : { name: part.slice(0, at).trim(), hash: part.slice(at + 1).trim() || null };
  }).filter((e) => e.name !== '');
}

/** Names of `<lora:name…>` tags in a prompt (weights stay in the prompt text). */
export function promptLoraNames(prompt: string): string[] {
  return [...new Set([...prompt.matchAll(/<lora:([^:>]+)[^>]*>/g)].map((m) => m[1]!.trim()))];
}

/** What the image says about LoRAs, embeddings, VAE and clip skip; null when it names none. */
export function imageAddons(prompt: string, fields: Readonly<Record<string, string>>, studio: StudioMetadata | null): ImageAddonsDto | null {
  const tagNames = promptLoraNames(prompt);
  const loraHashes = hashList(fields['Lora hashes']);
  const promptLoras = tagNames.map((name) => ({ name, hash: loraHashes.find((l) => l.name === name)?.hash ?? null }));
  const clipSkipText = Number(fields['Clip skip']);
  const vaeName = fields['VAE'];
  const vaeHash = fields['VAE hash'];
  const a1111: ImageAddonsDto = {
    loras: loraHashes.filter((l) => !tagNames.includes(l.name)).map((l) => ({ ...l, unet: 1, text: 1 })),
    promptLoras,
    embeddings: hashList(fields['TI hashes']),
    vae: vaeName || vaeHash ? { name: vaeName ?? '', hash: vaeHash ?? null } : null,
    clipSkip: Number.isInteger(clipSkipText) && clipSkipText >= 1 ? clipSkipText : null,
  };
  // our chunk has the weights of LoRAs picked outside the prompt
  const ours = studio?.addons;
  const result: ImageAddonsDto = ours ? {
    ...a1111,
    loras: ours.loras.filter((l) => !tagNames.includes(l.name)).map((l) => ({ name: l.name, hash: l.hash, unet: l.unet, text: l.text })),
    embeddings: ours.embeddings, vae: ours.vae, clipSkip: ours.clipSkip,
  } : a1111;
  const none = result.loras.length === 0 && result.promptLoras.length === 0 && result.embeddings.length === 0 && result.vae === null && result.clipSkip === null;
  return none ? null : result;
}
