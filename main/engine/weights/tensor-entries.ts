// Which checkpoint tensors become TensorIndex entries. Real SD 1.x files also carry EMA copies, the DDPM
// noise schedule and CLIP's `position_ids` (an I64 arange, sometimes saved as float): the engine derives
// all of those itself, so they are dropped. Weights must be F32/F16/BF16.
// Ref: ldm/models/diffusion/ddpm.py `register_schedule` (the buffer names), ldm/modules/ema.py (`model_ema.`).

import { EngineError } from '../errors';
import { isWeightDType } from './safetensors';
import type { SafetensorsTensor } from './safetensors';
import type { TensorEntry } from './tensor-index';
import { TEXT_PREFIX } from './names/clip';
import { UNET_PREFIX } from './names/unet';
import { VAE_PREFIX } from './names/vae';

const DDPM_BUFFERS: ReadonlySet<string> = new Set([
  'betas', 'alphas_cumprod', 'alphas_cumprod_prev', 'sqrt_alphas_cumprod', 'sqrt_one_minus_alphas_cumprod',
  'log_one_minus_alphas_cumprod', 'sqrt_recip_alphas_cumprod', 'sqrt_recipm1_alphas_cumprod', 'posterior_variance',
  'posterior_log_variance_clipped', 'posterior_mean_coef1', 'posterior_mean_coef2', 'lvlb_weights', 'logvar',
]);

export function isIgnoredKey(name: string): boolean {
  return name.startsWith('model_ema.') || DDPM_BUFFERS.has(name) || name.endsWith('.position_ids') || name === 'position_ids';
}

function isSd1Key(name: string): boolean {
  return name.startsWith(UNET_PREFIX) || name.startsWith(TEXT_PREFIX) || name.startsWith(VAE_PREFIX);
}

/**
 * The index entry for a stored tensor under its canonical `name` and LDM `shape`. Tensors of other dtypes
 * are dropped when they are not SD1 weights (they are never read) and refused when they are.
 */
export function weightEntry(name: string, shape: readonly number[], t: SafetensorsTensor, file: string): TensorEntry | undefined {
  if (!isWeightDType(t.dtype)) {
    if (!isSd1Key(name)) return undefined;
    throw new EngineError('model-unsupported',
      `"${file}" stores the weight ${t.name} as ${t.dtype}; DaTo Studio reads F32, F16 and BF16 weights. ` +
      'Use an fp16 or fp32 version of the model.');
  }
  return { name, dtype: t.dtype, shape, file, offset: t.offset, byteLength: t.byteLength };
}
