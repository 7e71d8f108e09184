// A separate VAE file in place of the checkpoint's own (A1111's "SD VAE" setting). Standalone VAEs come in
// the LDM layout (`encoder.*`, `decoder.*`, `quant_conv`, `post_quant_conv`, sometimes under
// `first_stage_model.`, often with `loss.*` / `model_ema.*` extras, as vae-ft-mse-840000-ema-pruned) or the
// diffusers AutoencoderKL layout (`decoder.up_blocks.*`, 2-D attention projections). Every VAE tensor the
// model has must be in the file with the same shape; the model's entries then point into the VAE file.
// Ref: AUTOMATIC1111 modules/sd_vae.py (load_vae: strips `loss`/`model_ema`), diffusers
// scripts/convert_diffusers_to_original_stable_diffusion.py (vae_conversion_map).
import { basename } from 'node:path';
import { EngineError } from '../errors';
import { ldmVaeShape, vaeLayoutFromDiffusers, vaeRules, VAE_PREFIX } from './names/vae';
import { readSafetensorsRefusingPickle } from './pickle-refusal';
import type { SafetensorsHeader } from './safetensors';
import type { TensorEntry, TensorIndex } from './tensor-index';
import { weightEntry } from './tensor-entries';

export type VaeLayout = 'ldm' | 'diffusers';

const PART = /^(encoder|decoder|quant_conv|post_quant_conv)\./;

/** The VAE tensors of a file under their LDM names (`first_stage_model.…`), and the file's layout. */
export function vaeTensors(header: SafetensorsHeader): { layout: VaeLayout; tensors: Map<string, TensorEntry> } {
  const names = [...header.tensors.keys()].map((n) => (n.startsWith(VAE_PREFIX) ? n.slice(VAE_PREFIX.length) : n)).filter((n) => PART.test(n));
  const layout: VaeLayout = names.some((n) => n.startsWith('decoder.up_blocks.') || n.startsWith('decoder.mid_block.')) ? 'diffusers' : 'ldm';
  const rules = layout === 'diffusers' ? vaeRules(vaeLayoutFromDiffusers(names)) : undefined;
  const tensors = new Map<string, TensorEntry>();
  for (const t of header.tensors.values()) {
    const name = t.name.startsWith(VAE_PREFIX) ? t.name.slice(VAE_PREFIX.length) : t.name;
    if (!PART.test(name)) continue; // loss.*, model_ema.*, anything else: not part of the autoencoder
    const ldm = rules ? rules.toLdm(name) ?? name : name;
    const key = VAE_PREFIX + ldm;
    const entry = weightEntry(key, rules ? ldmVaeShape(key, t.shape) : t.shape, t, header.file);
    if (entry) tensors.set(key, entry);
  }
  return { layout, tensors };
}

/** `index` with its VAE replaced by the one in `path`. */
export async function withVae(index: TensorIndex, path: string): Promise<TensorIndex> {
  const header = await readSafetensorsRefusingPickle(path);
  const { tensors: vae } = vaeTensors(header);
  const name = `"${basename(path)}"`;
  if (vae.size === 0) throw new EngineError('model-unsupported', `${name} holds no VAE weights (no encoder/decoder tensors), so it cannot replace the model's VAE.`);
  const tensors = new Map(index.tensors);
  const missing: string[] = [];
  for (const [key, own] of index.tensors) {
    if (!key.startsWith(VAE_PREFIX)) continue;
    const replacement = vae.get(key);
    if (!replacement) { missing.push(key.slice(VAE_PREFIX.length)); continue; }
    if (replacement.shape.join('x') !== own.shape.join('x')) {
      throw new EngineError('model-unsupported',
        `The VAE ${name} does not fit this model: ${key.slice(VAE_PREFIX.length)} is ${replacement.shape.join('×')} there and ${own.shape.join('×')} in the model.`);
    }
    tensors.set(key, replacement);
  }
  const decoderMissing = missing.filter((k) => k.startsWith('decoder.') || k.startsWith('post_quant_conv.'));
  if (decoderMissing.length > 0) {
    throw new EngineError('model-incomplete', `The VAE ${name} lacks ${decoderMissing.length} decoder tensors of this model (e.g. ${decoderMissing.slice(0, 3).join(', ')}).`);
  }
  return { ...index, tensors };
}
