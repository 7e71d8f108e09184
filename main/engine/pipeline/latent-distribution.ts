// The VAE encoder's output read as ldm's DiagonalGaussianDistribution: the latent of an image is the mean
// (the mode; diffusers' `latent_dist.mode()`, A1111's default) or a sample mean + std·N(0, 1) with a seeded
// generator, then multiplied by the model's scale factor so the sampler sees it like its own latents.
// Ref: ldm/modules/distributions/distributions.py (DiagonalGaussianDistribution),
//      ldm/models/diffusion/ddpm.py (LatentDiffusion.get_first_stage_encoding).
import { createRng } from './rng';

export type LatentChoice = { readonly kind: 'mean' } | { readonly kind: 'sample'; readonly seed: number };

const f32 = Math.fround;

/** moments [2z, h, w] (mean, then log-variance) → scaled latent [z, h, w]. */
export function latentFromMoments(moments: Float32Array, scaleFactor: number, choice: LatentChoice = { kind: 'mean' }): Float32Array {
  const n = moments.length / 2;
  const latent = new Float32Array(n);
  const noise = choice.kind === 'sample' ? createRng(choice.seed).randn(n) : null;
  for (let k = 0; k < n; k++) {
    let v = moments[k]!;
    if (noise) {
      const logvar = Math.min(20, Math.max(-30, moments[n + k]!)); // ldm clamps the log-variance to [-30, 20]
      v = f32(v + f32(f32(Math.exp(0.5 * logvar)) * noise[k]!));
    }
    latent[k] = f32(v * scaleFactor);
  }
  return latent;
}
