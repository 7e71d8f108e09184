// What image-to-image and inpainting change in the text-to-image loop, as data the loop consults
// (pipeline/img2img.ts builds it): where sampling starts, what x starts as, what is re-imposed after every
// step, and the extra UNet input channels of inpainting checkpoints.
import type { Scheduler } from '../schedulers/scheduler';

export interface SamplingStart {
  /** First step of the `steps`-step schedule that runs (0 = all). */
  readonly step: number;
  /** x before the first evaluation, [images, 4, h, w], for the scheduler that starts at `step`. */
  initialLatents(scheduler: Scheduler): Float32Array;
  /** Called with x after evaluation `evaluation`; returns the x the next evaluation starts from. */
  afterStep?(x: Float32Array, evaluation: number, scheduler: Scheduler): Float32Array;
  /**
   * Channels appended to every image's latent before the UNet, [images, k, h, w]: an inpainting UNet's mask and
   * masked-image latent (in_channels = 4 + k).
   */
  readonly extraChannels?: Float32Array;
}

/** [images, c, h, w] latents and [images, k, h, w] extras → [images, c + k, h, w]. */
export function appendChannels(x: Float32Array, extra: Float32Array, images: number): Float32Array {
  const a = x.length / images;
  const b = extra.length / images;
  const out = new Float32Array(x.length + extra.length);
  for (let i = 0; i < images; i++) {
    out.set(x.subarray(i * a, (i + 1) * a), i * (a + b));
    out.set(extra.subarray(i * b, (i + 1) * b), i * (a + b) + a);
  }
  return out;
}
