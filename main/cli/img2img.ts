// `dato-studio img2img --init IMAGE [--mask IMAGE] [--strength S] …` and `dato-studio outpaint --init IMAGE
// --left/--right/--top/--bottom N …`: every generate option, plus the input image, its mask and how both are
// brought to the generation size (images/source-image.ts). Bad images are one line and exit code 2.
import { IMG2IMG_LIMITS } from '../../preload/contract/vocabulary';
import { MASKED_CONTENTS, type RgbImage } from '../engine/index';
import { ImageFileError } from '../images/image-file-error';
import type { MaskSettings, SourceSettings } from '../images/img2img-parameters';
import { prepareSource } from '../images/source-run';
import { extendCanvas, fitImage, fitMask, loadMask, loadSourceImage, RESIZE_MODES, type GreyImage } from '../images/source-image';
import { oneOf, parseFlags, UsageError, type FlagSpec, type ParsedFlags } from './args';
import { GENERATE_FLAGS, runGeneration, type GenerationExtras } from './generate';

const OPTIONS_OF_GENERATE = '  …and generate\'s options (dato-studio generate --help): prompt, model, sampler, size, seed, output, acceleration';

export const IMG2IMG_USAGE = `usage: dato-studio img2img --init IMAGE [options]   image-to-image, or inpainting with --mask
  --init IMAGE            the starting picture (PNG, JPEG or WebP)
  --strength S            how much is repainted, 0–1 (default 0.75)
  --resize-mode MODE      ${RESIZE_MODES.join('|')}: how the picture is brought to --width × --height (default resize)
  --latent-sample         start from a sample of the encoded distribution instead of its mean
  --mask IMAGE            inpaint: white is repainted, black kept
  --mask-blur N           feather the mask edge by N pixels (default 4)
  --invert-mask           repaint the black part instead
  --masked-content MODE   ${MASKED_CONTENTS.join('|')}: what the masked area starts from (default original)
  --inpaint-full-res      repaint only the region around the mask at full size, pasted back
  --inpaint-padding N     pixels kept around that region (default 32)
${OPTIONS_OF_GENERATE} (not --noise or --hires-*)`;

export const OUTPAINT_USAGE = `usage: dato-studio outpaint --init IMAGE [options]   extend a picture on any side
  --init IMAGE            the picture to extend
  --left N --right N --top N --bottom N   pixels added on each side (the canvas sets the size)
  --strength S            denoising strength of the new area (default 1)
  --mask-blur N           feather the seam by N pixels (default 8)
  --masked-content MODE   ${MASKED_CONTENTS.join('|')}: what the new area starts from (default original: the edge pixels)
${OPTIONS_OF_GENERATE} (not --width/--height or --noise)`;

const SOURCE_FLAGS: FlagSpec = {
  init: 'string', strength: 'number', 'resize-mode': 'string', 'latent-sample': 'boolean',
  mask: 'string', 'mask-blur': 'number', 'invert-mask': 'boolean', 'masked-content': 'string',
  'inpaint-full-res': 'boolean', 'inpaint-padding': 'integer',
};
const OUTPAINT_FLAGS: FlagSpec = { left: 'integer', right: 'integer', top: 'integer', bottom: 'integer' };

function maskSettings(f: ParsedFlags, defaults: Partial<MaskSettings> = {}): MaskSettings {
  return {
    blur: Number(f['mask-blur'] ?? defaults.blur ?? 4),
    invert: f['invert-mask'] === true,
    content: oneOf('masked-content', String(f['masked-content'] ?? defaults.content ?? 'original'), MASKED_CONTENTS),
    onlyMasked: f['inpaint-full-res'] === true,
    padding: Number(f['inpaint-padding'] ?? 32),
  };
}

/** `outpaint`: the new area is the mask, so the mask options apply without --mask. */
function checkSource(f: ParsedFlags, outpaint = false): void {
  if (typeof f.init !== 'string') throw new UsageError('--init IMAGE is required');
  if (f.noise !== undefined) throw new UsageError('--noise is for text-to-image; image-to-image noise comes from --seed');
  const blur = f['mask-blur'];
  if (blur !== undefined && !(Number(blur) >= 0 && Number(blur) <= IMG2IMG_LIMITS.maxMaskBlur)) throw new UsageError(`--mask-blur must be from 0 to ${IMG2IMG_LIMITS.maxMaskBlur} pixels`);
  const padding = f['inpaint-padding'];
  if (padding !== undefined && !(Number(padding) >= 0 && Number(padding) <= IMG2IMG_LIMITS.maxInpaintPadding)) throw new UsageError(`--inpaint-padding must be from 0 to ${IMG2IMG_LIMITS.maxInpaintPadding} pixels`);
  if (!outpaint && f.mask === undefined && ['mask-blur', 'invert-mask', 'masked-content', 'inpaint-full-res', 'inpaint-padding'].some((k) => f[k] !== undefined)) {
    throw new UsageError('the mask options need --mask IMAGE');
  }
}

/** The request parts for `image` (already at the generation size) and its mask (source-run.ts). */
async function sourceExtras(image: RgbImage, mask: GreyImage | null, settings: SourceSettings, latentSample: boolean): Promise<GenerationExtras> {
  const prepared = await prepareSource(image, mask, settings, latentSample);
  return {
    request: { init: prepared.init }, parameters: prepared.parameters,
    json: { source: settings, ...(prepared.region ? { region: prepared.region } : {}) },
    ...(prepared.region ? { finish: async (result) => ({ ...result, images: await prepared.finish(result.images) }) } : {}),
  };
}

export async function runImg2Img(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { ...GENERATE_FLAGS, ...SOURCE_FLAGS });
  checkSource(f);
  const resizeMode = oneOf('resize-mode', String(f['resize-mode'] ?? 'resize'), RESIZE_MODES);
  const source = await loadSourceImage(String(f.init), 'The --init image');
  const rawMask = typeof f.mask === 'string' ? await loadMask(f.mask, source, 'The --mask image') : null;
  const settings: SourceSettings = {
    strength: Number(f.strength ?? 0.75), resizeMode, ...(rawMask ? { mask: maskSettings(f) } : {}),
  };
  return runGeneration(f, async ({ width, height }) => {
    const image = await fitImage(source, width, height, resizeMode);
    const mask = rawMask ? await fitMask(rawMask, width, height, resizeMode, { blur: settings.mask!.blur, invert: settings.mask!.invert }) : null;
    return sourceExtras(image, mask, settings, f['latent-sample'] === true);
  });
}

export async function runOutpaint(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { ...GENERATE_FLAGS, ...SOURCE_FLAGS, ...OUTPAINT_FLAGS });
  checkSource(f, true);
  for (const k of ['mask', 'resize-mode', 'width', 'height', 'invert-mask']) if (f[k] !== undefined) throw new UsageError(`--${k} does not apply to outpaint (the new area is the mask, the canvas sets the size)`);
  const source = await loadSourceImage(String(f.init), 'The --init image');
  const by = { left: Number(f.left ?? 0), right: Number(f.right ?? 0), top: Number(f.top ?? 0), bottom: Number(f.bottom ?? 0) };
  let canvas;
  try {
    canvas = await extendCanvas(source, by);
  } catch (err) {
    if (err instanceof ImageFileError) throw new UsageError(err.message.replace(/\.$/, ''));
    throw err;
  }
  const { width, height } = canvas.image;
  // the new bands start from the image's edge pixels repeated: keep them ("original") and repaint fully
  const settings: SourceSettings = { strength: Number(f.strength ?? 1), resizeMode: 'resize', mask: maskSettings(f, { blur: 8 }) };
  const mask = await fitMask(canvas.mask, width, height, 'resize', { blur: settings.mask!.blur });
  return runGeneration({ ...f, width, height }, async () => {
    const extras = await sourceExtras(canvas.image, mask, settings, f['latent-sample'] === true);
    return { ...extras, request: { ...extras.request, width, height }, json: { ...extras.json, outpaint: by } };
  });
}
