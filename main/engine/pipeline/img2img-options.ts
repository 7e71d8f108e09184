// The choices image-to-image and hires fix offer, without the pipeline behind them: the engine's public entry
// exports these to the CLI, the metadata writer and the UI, which must not load the runtime to list them.
import { LIMITS } from '../../../preload/contract/vocabulary';
import { EngineError } from '../errors';

/** What the repaint region starts from (A1111's "masked content"): the shared vocabulary's words. */
export { MASKED_CONTENTS, type MaskedContent } from '../../../preload/contract/vocabulary';

export type HiresUpscaler = 'latent' | 'latent-nearest' | 'lanczos';
export const HIRES_UPSCALERS: readonly HiresUpscaler[] = ['latent', 'latent-nearest', 'lanczos'];
/** A1111's names, for the `Hires upscaler` metadata field. */
export const HIRES_UPSCALER_LABELS: Record<HiresUpscaler, string> = {
  latent: 'Latent', 'latent-nearest': 'Latent (nearest-exact)', lanczos: 'Lanczos',
};

export interface HiresSettings {
  /** Size factor (A1111 `Hires upscale`), > 1. */
  readonly scale: number;
  /** Steps of the second pass; 0 = the first pass's steps. */
  readonly steps: number;
  /** Denoising strength of the second pass. */
  readonly strength: number;
  readonly upscaler: HiresUpscaler;
}

/** The target size: base × scale, rounded down to multiples of 8 (the latent grid). */
export function hiresSize(width: number, height: number, scale: number): { width: number; height: number } {
  if (!(scale > 1 && scale <= 4)) throw new EngineError('invalid-parameters', `The hires scale must be more than 1 and at most 4, got ${scale}.`);
  const size = { width: Math.floor((width * scale) / 8) * 8, height: Math.floor((height * scale) / 8) * 8 };
  if (size.width * size.height > LIMITS.maxPixels) {
    throw new EngineError('invalid-parameters', `${width}×${height} × ${scale} = ${size.width}×${size.height} is too large (at most ${LIMITS.maxPixels} pixels).`);
  }
  return size;
}
