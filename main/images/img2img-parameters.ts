// Image-to-image, inpainting and hires-fix settings as A1111 `parameters` fields (the names A1111 writes and
// its "PNG Info → send to" reads back), and back from a parsed `parameters` text.
// Ref: A1111 modules/processing.py (extra_generation_params, create_infotext), modules/infotext_utils.py.
import { HIRES_UPSCALER_LABELS, HIRES_UPSCALERS, type HiresSettings, type MaskedContent } from '../engine/index';
import type { ResizeMode } from './source-image';

export interface MaskSettings {
  /** Gaussian blur σ of the mask edge, pixels. */
  readonly blur: number;
  readonly invert: boolean;
  readonly content: MaskedContent;
  /** Generate the masked area alone at full resolution (A1111 "Inpaint area: Only masked"). */
  readonly onlyMasked: boolean;
  /** Pixels around the mask's bounding box in only-masked mode. */
  readonly padding: number;
}

export interface SourceSettings {
  readonly strength: number;
  readonly resizeMode: ResizeMode;
  readonly mask?: MaskSettings;
}

const RESIZE_LABELS: Record<ResizeMode, string> = { resize: 'Just resize', crop: 'Crop and resize', fill: 'Resize and fill' };
const CONTENT_LABELS: Record<MaskedContent, string> = { original: 'original', noise: 'latent noise', fill: 'fill' };

const keyOf = <K extends string>(labels: Record<K, string>, label: string | undefined): K | undefined =>
  (Object.keys(labels) as K[]).find((k) => labels[k] === label);

export function sourceParameterFields(s: SourceSettings): Record<string, string | number> {
  return {
    'Denoising strength': s.strength,
    'Resize mode': RESIZE_LABELS[s.resizeMode],
    ...(s.mask ? {
      'Mask blur': s.mask.blur,
      'Masked content': CONTENT_LABELS[s.mask.content],
      'Inpaint area': s.mask.onlyMasked ? 'Only masked' : 'Whole picture',
      ...(s.mask.onlyMasked ? { 'Masked area padding': s.mask.padding } : {}),
      ...(s.mask.invert ? { 'Mask mode': 'Inpaint not masked' } : {}),
    } : {}),
  };
}

export function hiresParameterFields(h: HiresSettings): Record<string, string | number> {
  return {
    'Denoising strength': h.strength,
    'Hires upscale': h.scale,
    ...(h.steps ? { 'Hires steps': h.steps } : {}),
    'Hires upscaler': HIRES_UPSCALER_LABELS[h.upscaler],
  };
}

const num = (v: string | undefined): number | undefined => (v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** What a parsed `parameters` text says about image-to-image or hires fix (undefined: not such an image). */
export function readSourceFields(fields: Readonly<Record<string, string>>): { source?: Partial<SourceSettings>; hires?: HiresSettings } {
  const strength = num(fields['Denoising strength']);
  const scale = num(fields['Hires upscale']);
  if (scale !== undefined && strength !== undefined) {
    const upscaler = keyOf(HIRES_UPSCALER_LABELS, fields['Hires upscaler']) ?? HIRES_UPSCALERS[0]!;
    return { hires: { scale, strength, steps: num(fields['Hires steps']) ?? 0, upscaler } };
  }
  if (strength === undefined) return {};
  const resizeMode = keyOf(RESIZE_LABELS, fields['Resize mode']);
  const blur = num(fields['Mask blur']);
  const mask: MaskSettings | undefined = blur === undefined && fields['Inpaint area'] === undefined ? undefined : {
    blur: blur ?? 0,
    invert: fields['Mask mode'] === 'Inpaint not masked',
    content: keyOf(CONTENT_LABELS, fields['Masked content']) ?? 'original',
    onlyMasked: fields['Inpaint area'] === 'Only masked',
    padding: num(fields['Masked area padding']) ?? 32,
  };
  return { source: { strength, ...(resizeMode ? { resizeMode } : {}), ...(mask ? { mask } : {}) } };
}
