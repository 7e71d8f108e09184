// `generate … --hires-scale F [--hires-steps N] [--hires-strength S] [--hires-upscaler latent|latent-nearest|lanczos]`:
// A1111's hires fix (engine/pipeline/hires-fix.ts). Defaults as A1111: steps 0 (= the first pass's), strength 0.7,
// the latent upscaler.
import { HIRES_UPSCALERS, hiresSize } from '../engine/index';
import { hiresParameterFields } from '../images/img2img-parameters';
import { oneOf, UsageError, type FlagSpec, type ParsedFlags } from './args';
import type { ExtrasFor } from './generate';

export const HIRES_USAGE = `  --hires-scale F         hires fix: a second image-to-image pass at F × the size (A1111's)
  --hires-steps N         its steps (default 0: the first pass's)
  --hires-strength S      its denoising strength (default 0.7)
  --hires-upscaler NAME   ${HIRES_UPSCALERS.join('|')} (default latent)`;

export const HIRES_FLAGS: FlagSpec = {
  'hires-scale': 'number', 'hires-steps': 'integer', 'hires-strength': 'number', 'hires-upscaler': 'string',
};

export function hiresExtras(f: ParsedFlags): ExtrasFor | undefined {
  const given = Object.keys(HIRES_FLAGS).filter((k) => f[k] !== undefined);
  if (given.length === 0) return undefined;
  if (f['hires-scale'] === undefined) throw new UsageError(`--${given[0]} needs --hires-scale`);
  const hires = {
    scale: Number(f['hires-scale']),
    steps: Number(f['hires-steps'] ?? 0),
    strength: Number(f['hires-strength'] ?? 0.7),
    upscaler: oneOf('hires-upscaler', String(f['hires-upscaler'] ?? 'latent'), HIRES_UPSCALERS),
  };
  return async (size) => {
    hiresSize(size.width, size.height, hires.scale); // a bad scale fails before the first pass
    return { request: { hires }, parameters: hiresParameterFields(hires), json: {} };
  };
}
