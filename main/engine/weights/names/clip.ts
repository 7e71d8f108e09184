// CLIP text encoder key names. Both layouts use Hugging Face `CLIPTextModel` names; the single-file layout
// nests them under `cond_stage_model.transformer.`. Some older SD 1.x files (saved before transformers'
// CLIPTextModel wrapped its layers in a `text_model` submodule) lack that level; A1111 rewrites such keys
// on load, and so do we.
// Ref: AUTOMATIC1111 modules/sd_models.py `checkpoint_dict_replacements_sd1`.

import { TEXT_PREFIX } from './prefixes';

export { TEXT_PREFIX };
const TRANSFORMER_PREFIX = 'cond_stage_model.transformer.';

const LEGACY_SINGLE_FILE: readonly (readonly [legacy: string, current: string])[] = [
  ['cond_stage_model.transformer.embeddings.', 'cond_stage_model.transformer.text_model.embeddings.'],
  ['cond_stage_model.transformer.encoder.', 'cond_stage_model.transformer.text_model.encoder.'],
  ['cond_stage_model.transformer.final_layer_norm.', 'cond_stage_model.transformer.text_model.final_layer_norm.'],
];

/** Canonical name of a single-file key (only legacy CLIP keys change). */
export function canonicalSingleFileName(name: string): string {
  for (const [legacy, current] of LEGACY_SINGLE_FILE) {
    if (name.startsWith(legacy)) return current + name.slice(legacy.length);
  }
  return name;
}

/** LDM name of a key in a diffusers `text_encoder/` file (`text_model.encoder.layers.0...`). */
export function clipDiffusersToLdm(name: string): string {
  return TRANSFORMER_PREFIX + name;
}

/** Diffusers `text_encoder/` name of an LDM text-encoder key. */
export function clipLdmToDiffusers(name: string): string {
  if (!name.startsWith(TRANSFORMER_PREFIX)) throw new Error(`not a text encoder key: ${name}`);
  return name.slice(TRANSFORMER_PREFIX.length);
}
