// The KL autoencoder's encoder: image in [-1, 1] → encoder → quant_conv → the moments of the latent
// distribution (mean and log-variance, unscaled). Sampling or taking the mean and multiplying by the
// scale factor happens outside the graph (pipeline/latent-distribution.ts).
// Ref: ldm/modules/diffusionmodules/model.py Encoder, Downsample; ldm/models/autoencoder.py AutoencoderKL.encode.
import type { Graph, InputDim, Tensor } from '../../graph/graph';
import { conv2d } from '../../graph/ops/nn';
import type { Scope, WeightSource } from '../../graph/scope';
import { VAE_SCOPE } from '../../weights/names/prefixes';
import { attnBlock, midBlock, outputHead, resnetBlock } from './blocks';

export interface VaeEncoderConfig {
  /** Number of `encoder.down.*` levels (each but the last halves the size). */
  readonly levels: number;
  readonly resBlocksPerLevel: number;
  /** Channels of quant_conv's output: mean and log-variance, z channels each. */
  readonly momentChannels: number;
}

export function detectVaeEncoderConfig(src: WeightSource): VaeEncoderConfig {
  let levels = 0;
  while (src.hasPrefix(`${VAE_SCOPE}.encoder.down.${levels}`)) levels++;
  let resBlocksPerLevel = 0;
  while (src.hasPrefix(`${VAE_SCOPE}.encoder.down.0.block.${resBlocksPerLevel}`)) resBlocksPerLevel++;
  return { levels, resBlocksPerLevel, momentChannels: src.entry(`${VAE_SCOPE}.quant_conv.weight`).shape[0]! };
}

/** ldm's Downsample(with_conv): pad right and bottom by one, then a 3×3 stride-2 conv without padding. */
function downsample(s: Scope, x: Tensor): Tensor {
  return conv2d(s.at('conv'), x, { stride: 2, pads: [0, 0, 1, 1] });
}

/** One `encoder.down.<level>`: res blocks (each with its attention block when the model has one), then downsample. */
function downLevel(s: Scope, x: Tensor, config: VaeEncoderConfig, level: number): Tensor {
  let h = x;
  for (let j = 0; j < config.resBlocksPerLevel; j++) {
    h = resnetBlock(s.at(`block.${j}`), h);
    if (s.has(`attn.${j}`)) h = attnBlock(s.at(`attn.${j}`), h); // SD's VAE has none (attn_resolutions = [])
  }
  return level < config.levels - 1 ? downsample(s.at('downsample'), h) : h;
}

/** image [B, 3, H, W] in [-1, 1] (H, W multiples of 8) → moments [B, 2z, H/8, W/8]: mean, then log-variance. */
export function buildVaeEncoder(
  g: Graph, root: Scope, config: VaeEncoderConfig, dims: { batch: InputDim; height: InputDim; width: InputDim },
): void {
  const s = root.at(VAE_SCOPE);
  const e = s.at('encoder');
  const image = g.input('image', g.dtype, [dims.batch, 3, dims.height, dims.width]);
  let h = conv2d(e.at('conv_in'), image, { pad: 1 });
  for (let level = 0; level < config.levels; level++) {
    h = g.within(`down.${level}`, () => downLevel(e.at(`down.${level}`), h, config, level));
  }
  h = midBlock(e.at('mid'), h);
  h = outputHead(e, h);
  g.output(conv2d(s.at('quant_conv'), h), 'moments');
}
