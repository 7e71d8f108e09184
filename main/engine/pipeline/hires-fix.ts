// Hires fix (A1111): generate at the base size, upscale, then image-to-image at the target size with its own
// steps and denoising strength. Upscalers: "latent" (the latents, bilinear, as torch.nn.functional.interpolate
// with align_corners=False and no antialiasing), "latent-nearest" (nearest-exact), "lanczos" (the decoded image
// with sharp's Lanczos-3, then encoded again). The second pass runs exactly the hires steps (A1111's rule,
// img2img-start.ts) and image i keeps seed + i, so every image of a batch can be redone alone.
// Ref: A1111 modules/processing.py (StableDiffusionProcessingTxt2Img.sample_hr_pass), modules/images.py.
import sharp from 'sharp';
import { LIMITS } from '../../../preload/contract/vocabulary';
import { EngineError } from '../errors';
import { img2img, type Img2ImgResult } from './img2img';
import type { RgbImage } from './latent-preview';
import type { ModelRuntime } from './model-runtime';
import type { AccelPlan } from '../accel/plan';
import { checkStrength } from './img2img-start';
import { HIRES_UPSCALERS, hiresSize, type HiresSettings } from './img2img-options';
import type { Txt2ImgHooks, Txt2ImgParams, Txt2ImgResult } from './txt2img';

export function checkHires(h: HiresSettings): void {
  if (!Number.isInteger(h.steps) || h.steps < 0 || h.steps > LIMITS.maxSteps) throw new EngineError('invalid-parameters', `Hires steps must be a whole number from 0 to ${LIMITS.maxSteps} (0 = the same as the first pass).`);
  checkStrength(h.strength);
  if (!HIRES_UPSCALERS.includes(h.upscaler)) throw new EngineError('invalid-parameters', `Unknown hires upscaler "${h.upscaler}".`);
}

/** [c, h, w] → [c, H, W]: bilinear (align_corners=False, clamped at the edges) or nearest-exact. */
export function upscaleLatent(x: Float32Array, c: number, h: number, w: number, H: number, W: number, mode: 'bilinear' | 'nearest-exact'): Float32Array {
  const out = new Float32Array(c * H * W);
  const src = (dst: number, n: number, N: number): number => Math.max(0, ((dst + 0.5) * n) / N - 0.5);
  for (let ch = 0; ch < c; ch++) {
    const plane = x.subarray(ch * h * w, (ch + 1) * h * w);
    for (let Y = 0; Y < H; Y++) {
      for (let X = 0; X < W; X++) {
        let v: number;
        if (mode === 'nearest-exact') {
          v = plane[Math.min(h - 1, Math.floor(((Y + 0.5) * h) / H)) * w + Math.min(w - 1, Math.floor(((X + 0.5) * w) / W))]!;
        } else {
          const sy = src(Y, h, H);
          const sx = src(X, w, W);
          const y0 = Math.min(h - 1, Math.floor(sy));
          const x0 = Math.min(w - 1, Math.floor(sx));
          const y1 = Math.min(h - 1, y0 + 1);
          const x1 = Math.min(w - 1, x0 + 1);
          const fy = sy - y0;
          const fx = sx - x0;
          v = (1 - fy) * ((1 - fx) * plane[y0 * w + x0]! + fx * plane[y0 * w + x1]!) + fy * ((1 - fx) * plane[y1 * w + x0]! + fx * plane[y1 * w + x1]!);
        }
        out[ch * H * W + Y * W + X] = v;
      }
    }
  }
  return out;
}

async function lanczos(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  const data = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  return { width, height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export interface HiresResult {
  readonly width: number;
  readonly height: number;
  /** One second pass per image. */
  readonly passes: readonly Img2ImgResult[];
}

/**
 * The second pass over a finished first pass. `plan` is the acceleration plan for the second pass's
 * evaluations (img2imgEvaluations(sampler, hires steps, strength, true)).
 */
export async function hiresPass(
  rt: ModelRuntime, p: Omit<Txt2ImgParams, 'start' | 'initialNoise' | 'accel'>, first: Txt2ImgResult, hires: HiresSettings, plan: AccelPlan,
  hooks: Txt2ImgHooks = {},
): Promise<HiresResult> {
  checkHires(hires);
  const size = hiresSize(p.width, p.height, hires.scale);
  const [c, h, w] = first.latentShape.slice(1) as [number, number, number];
  const passes: Img2ImgResult[] = [];
  for (let i = 0; i < p.images; i++) {
    const latent = first.latents.subarray(i * c * h * w, (i + 1) * c * h * w);
    const image = await lanczos(first.images[i]!, size.width, size.height);
    const latents = hires.upscaler === 'lanczos' ? undefined
      : upscaleLatent(latent, c, h, w, size.height / 8, size.width / 8, hires.upscaler === 'latent' ? 'bilinear' : 'nearest-exact');
    passes.push(await img2img(rt, {
      ...p, ...size, seed: p.seed + i, images: 1, steps: hires.steps || p.steps, accel: plan,
      init: { image, strength: hires.strength, exactSteps: true, ...(latents ? { latents } : {}) },
    }, hooks));
  }
  return { ...size, passes };
}
