// One image-to-image or inpainting run's engine input from a picture and its mask already at the generation
// size: the whole picture, or in only-masked mode the region around the mask scaled to the generation size
// and pasted back afterwards (inpaint-region.ts). The CLI (img2img, outpaint) and the app's generation
// service both build their requests here, so the two cannot drift.
import type { InitImage, RgbImage } from '../engine/index';
import { cropRegion, cutRegion, pasteRegion, type Region } from './inpaint-region';
import { sourceParameterFields, type SourceSettings } from './img2img-parameters';
import type { GreyImage } from './source-image';

export interface PreparedSource {
  readonly init: InitImage;
  /** The A1111 `parameters` fields of these settings. */
  readonly parameters: Record<string, string | number>;
  /** Only-masked mode: the part of the picture that was generated. */
  readonly region?: Region;
  /** The generated images as they are saved (only-masked: pasted back over the input). */
  finish(images: readonly RgbImage[]): Promise<RgbImage[]>;
}

export async function prepareSource(image: RgbImage, mask: GreyImage | null, settings: SourceSettings, latentSample = false): Promise<PreparedSource> {
  const parameters = sourceParameterFields(settings);
  const common = { strength: settings.strength, ...(latentSample ? { latent: 'sample' as const } : {}) };
  const same = async (images: readonly RgbImage[]): Promise<RgbImage[]> => [...images];
  if (!mask) return { init: { image, ...common }, parameters, finish: same };
  const m = settings.mask!;
  if (!m.onlyMasked) return { init: { image, ...common, mask: mask.data, maskedContent: m.content }, parameters, finish: same };
  const region = cropRegion(mask, m.padding, image);
  const cut = await cutRegion(image, mask, region, image.width, image.height);
  return {
    init: { image: cut.image, ...common, mask: cut.mask, maskedContent: m.content }, parameters, region,
    finish: (images) => Promise.all(images.map((g) => pasteRegion(image, mask, region, g))),
  };
}
