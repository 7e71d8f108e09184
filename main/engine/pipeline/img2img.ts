// Image-to-image and inpainting on top of the text-to-image loop:
//   1 check · 2 where sampling starts (img2img-start.ts) · 3 the input's latent (VAE encoder, mean or seeded
//   sample; "masked content" prepared first) · 4 the start handed to the loop: x noised to the first step's
//   level with the seed's noise, the known region re-imposed after every step, an inpainting UNet's extra
//   channels · 5 txt2img's loop and decode · 6 the result composited over the input outside the mask.
// Re-imposition follows diffusers' StableDiffusionInpaintPipeline for 4-channel UNets: after evaluation i the
// known latents are the original noised with the *same* noise to the level of evaluation i + 1 (the clean
// original after the last), x = m·x + (1 − m)·known with the latent mask m (1 = repaint). Inpainting
// checkpoints (UNet in_channels 9) instead see [x, mask, masked-image latent] and are not re-imposed, as there.
// Ref: ldm scripts/img2img.py, diffusers pipeline_stable_diffusion_img2img.py / _inpaint.py, A1111 processing.py.
import { EngineError } from '../errors';
import { img2imgStart, type Img2ImgStart } from './img2img-start';
import type { MaskedContent } from './img2img-options';
import { compositeByMask, fillMasked, latentMask, toVaeInput } from './inpaint-mask';
import { latentFromMoments, type LatentChoice } from './latent-distribution';
import type { RgbImage } from './latent-preview';
import type { ModelRuntime } from './model-runtime';
import { createRng } from './rng';
import type { SamplingStart } from './sampling-start';
import { checkParams, txt2img, type Txt2ImgHooks, type Txt2ImgParams, type Txt2ImgResult } from './txt2img';

export interface InitImage {
  /** The input at the generation size (width × height). */
  readonly image: RgbImage;
  /**
   * Its clean latents [images, 4, h, w] when they are known without encoding (hires fix's latent upscale);
   * `image` is then only used for the composite of a masked run.
   */
  readonly latents?: Float32Array;
  /** Denoising strength in (0, 1]. */
  readonly strength: number;
  /** Run exactly `steps` steps (hires fix, img2img-start.ts) instead of the strength's share of them. */
  readonly exactSteps?: boolean;
  /** Repaint mask at the generation size, 255 = repaint, edges already blurred. */
  readonly mask?: Uint8Array;
  readonly maskedContent?: MaskedContent;
  /** The posterior mean (default) or a sample seeded by the image seed. */
  readonly latent?: 'mean' | 'sample';
}

export interface Img2ImgParams extends Omit<Txt2ImgParams, 'start' | 'initialNoise'> {
  readonly init: InitImage;
}

export interface Img2ImgResult extends Txt2ImgResult {
  readonly start: Img2ImgStart;
}

/** True for inpainting checkpoints: the UNet takes the latent plus a mask and a masked-image latent. */
/**
 * Text-to-image on an inpainting checkpoint (A1111's txt2img_image_conditioning): everything masked, the
 * masked image all mid grey, from pure noise.
 */
export function blankInpaintInit(width: number, height: number): InitImage {
  return { image: { width, height, rgb: new Uint8Array(width * height * 3).fill(128) }, strength: 1, mask: new Uint8Array(width * height).fill(255) };
}

export const takesInpaintConditioning = (rt: ModelRuntime): boolean => rt.model.unet.inChannels === rt.model.unet.outChannels + 5;

function checkInit(p: Img2ImgParams, latentChannels: number): void {
  const { image, mask } = p.init;
  if (image.width !== p.width || image.height !== p.height || image.rgb.length !== p.width * p.height * 3) {
    throw new EngineError('invalid-parameters', `The input image is ${image.width}×${image.height}; it must be brought to the generation size ${p.width}×${p.height} first.`);
  }
  if (p.init.latents && p.init.latents.length !== p.images * latentChannels * (p.width / 8) * (p.height / 8)) {
    throw new EngineError('invalid-parameters', `The initial latents have ${p.init.latents.length} values; ${p.images}×${latentChannels}×${p.height / 8}×${p.width / 8} are needed.`);
  }
  if (mask && mask.length !== p.width * p.height) {
    throw new EngineError('invalid-parameters', `The mask has ${mask.length} pixels; ${p.width}×${p.height} are needed.`);
  }
}

async function encodeLatent(rt: ModelRuntime, image: RgbImage, choice: LatentChoice, vaeInput = toVaeInput(image)): Promise<Float32Array> {
  const moments = await rt.encode(vaeInput, image.height / 8, image.width / 8);
  return latentFromMoments(moments, rt.model.hints.scaleFactor, choice);
}

/** (1 − m)·known + m·x per image, m the latent mask (1 = repaint) shared by the channels. */
function reimpose(x: Float32Array, known: Float32Array, m: Float32Array, perImage: number): Float32Array {
  const out = x.slice();
  for (let k = 0; k < x.length; k++) {
    if (m[(k % perImage) % m.length] === 0) out[k] = known[k]!;
  }
  return out;
}

export async function img2img(rt: ModelRuntime, p: Img2ImgParams, hooks: Txt2ImgHooks = {}): Promise<Img2ImgResult> {
  // 1. check
  checkParams(p);
  const c = rt.model.unet.outChannels;
  checkInit(p, c);
  const { init } = p;
  const h = p.height / 8;
  const w = p.width / 8;
  const perImage = c * h * w;
  const inpaintUNet = takesInpaintConditioning(rt);

  // 2. the steps that run
  const start = img2imgStart(p.sampler, p.steps, init.strength, init.exactSteps);

  // 3. the input's latent (per image when it is sampled or partly noise)
  const m = init.mask ? latentMask(init.mask, p.width, p.height) : null;
  const content = init.mask ? init.maskedContent ?? 'original' : 'original';
  const source = init.mask && content === 'fill' ? fillMasked(init.image, init.mask) : init.image;
  const meanLatent = init.latents || init.latent === 'sample' ? null : await encodeLatent(rt, source, { kind: 'mean' });
  const clean = new Float32Array(p.images * perImage);
  for (let i = 0; i < p.images; i++) {
    const z = init.latents?.slice(i * perImage, (i + 1) * perImage) ?? meanLatent?.slice()
      ?? await encodeLatent(rt, source, { kind: 'sample', seed: p.seed + i });
    if (m && content === 'noise') {
      // "latent noise": the repaint region starts from N(0, 1) instead of the old content
      const noise = createRng(BigInt(p.seed + i) ^ 0x6d61736bn).randn(perImage); // 'mask': apart from the seed's noise
      for (let k = 0; k < perImage; k++) if (m[k % m.length] === 1) z[k] = noise[k]!;
    }
    clean.set(z, i * perImage);
  }
  const noise = new Float32Array(p.images * perImage);
  for (let i = 0; i < p.images; i++) noise.set(createRng(p.seed + i).randn(perImage), i * perImage); // txt2img's noise

  // 4. the start the loop consults
  let extraChannels: Float32Array | undefined;
  if (inpaintUNet) {
    const mask = init.mask ?? new Uint8Array(p.width * p.height); // img2img on an inpainting model: nothing masked
    // diffusers' image·(mask < 0.5): the repaint region is 0 (mid grey) in the encoder's [-1, 1] input
    const maskedInput = toVaeInput(init.image);
    const n = mask.length;
    for (let q = 0; q < n; q++) if (mask[q]! >= 128) for (let k = 0; k < 3; k++) maskedInput[k * n + q] = 0;
    const maskedLatent = await encodeLatent(rt, init.image, { kind: 'mean' }, maskedInput);
    const lm = latentMask(mask, p.width, p.height);
    const one = new Float32Array(lm.length + maskedLatent.length);
    one.set(lm, 0);
    one.set(maskedLatent, lm.length);
    extraChannels = new Float32Array(p.images * one.length);
    for (let i = 0; i < p.images; i++) extraChannels.set(one, i * one.length);
  }
  const samplingStart: SamplingStart = {
    step: start.startStep,
    initialLatents: (s) => (start.pureNoise ? noise.map((v) => v * s.initNoiseSigma) : s.addNoise(clean, noise, 0)),
    ...(m && !inpaintUNet ? { afterStep: (x, i, s) => reimpose(x, s.addNoise(clean, noise, i + 1), m, perImage) } : {}),
    ...(extraChannels ? { extraChannels } : {}),
  };

  // 5. sample and decode
  const result = await txt2img(rt, { ...p, steps: start.scheduleSteps, start: samplingStart }, hooks);

  // 6. outside the mask, the input's own pixels
  const images = init.mask ? result.images.map((img) => compositeByMask(init.image, img, init.mask!)) : result.images;
  return { ...result, images, start };
}
