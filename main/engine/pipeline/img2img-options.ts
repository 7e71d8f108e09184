// The choices image-to-image and hires fix offer, without the pipeline behind them: the engine's public entry
// exports these to the CLI, the metadata writer and the UI, which must not load the runtime to list them.
import { HIRES_UPSCALER_LABELS, HIRES_UPSCALERS, hiresTargetSize, IMG2IMG_LIMITS, LIMITS, type HiresUpscaler } from '../../../preload/contract/vocabulary';
import { EngineError } from '../errors';

/** What the repaint region starts from (A1111's "masked content"): the shared vocabulary's words. */
export { MASKED_CONTENTS, type MaskedContent } from '../../../preload/contract/vocabulary';

/** How hires fix upscales, and A1111's names for it: the shared vocabulary's. */
export { HIRES_UPSCALER_LABELS, HIRES_UPSCALERS, type HiresUpscaler };

export interface HiresSettings {
  /** Size factor (A1111 `Hires upscale`), > 1. */
  readonly scale: number;
  /** Steps of the second pass; 0 = the first pass's steps. */
  readonly steps: number;
  /** Denoising strength of the second pass. */
  readonly strength: number;
  readonly upscaler: HiresUpscaler;
}

/** The target size (hiresTargetSize), checked: a scale in (1, maxHiresScale] and a size within the pixel budget. */
export function hiresSize(width: number, height: number, scale: number): { width: number; height: number } {
  const max = IMG2IMG_LIMITS.maxHiresScale;
  if (!(scale > 1 && scale <= max)) throw new EngineError('invalid-parameters', `The hires scale must be more than 1 and at most ${max}, got ${scale}.`);
  const size = hiresTargetSize(width, height, scale);
  if (size.width * size.height > LIMITS.maxPixels) {
    throw new EngineError('invalid-parameters', `${width}×${height} × ${scale} = ${size.width}×${size.height} is too large (at most ${LIMITS.maxPixels} pixels).`);
  }
  return size;
}
