// The KL autoencoder's decoder: latent / scale_factor → post_quant_conv → decoder → image in [-1, 1]
// (not clamped here). Ref: ldm/modules/diffusionmodules/model.py Decoder, ResnetBlock, AttnBlock;
// ldm/models/autoencoder.py AutoencoderKL.decode.
import type { Graph, InputDim, Tensor } from '../../graph/graph';
import { mul } from '../../graph/ops/elementwise';
import { conv2d } from '../../graph/ops/nn';
import { attr } from '../../graph/graph';
import type { Scope, WeightSource } from '../../graph/scope';
import { VAE_SCOPE } from '../../weights/names/prefixes';
import { midBlock, outputHead, resnetBlock } from './blocks';

export interface VaeDecoderConfig {
  readonly zChannels: number;
  /** Number of `decoder.up.*` levels. */
  readonly levels: number;
  readonly resBlocksPerLevel: number;
}

export function detectVaeDecoderConfig(src: WeightSource): VaeDecoderConfig {
  const zChannels = src.entry(`${VAE_SCOPE}.post_quant_conv.weight`).shape[1]!;
  let levels = 0;
  while (src.hasPrefix(`${VAE_SCOPE}.decoder.up.${levels}`)) levels++;
  let resBlocksPerLevel = 0;
  while (src.hasPrefix(`${VAE_SCOPE}.decoder.up.0.block.${resBlocksPerLevel}`)) resBlocksPerLevel++;
  return { zChannels, levels, resBlocksPerLevel };
}

function upsampleNearest(s: Scope, x: Tensor): Tensor {
  const [n, c, hh, ww] = x.shape as [number, number, number, number];
  const scales = x.g.constant('float32', [4], Float32Array.from([1, 1, 2, 2]));
  const up = x.g.node('Resize', [x, null, scales], {
    mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor'),
  }, [{ dtype: x.dtype, shape: [n, c, hh * 2, ww * 2] }])[0]!;
  return conv2d(s.at('conv'), up, { pad: 1 });
}

/** latent [B, z, h, w] (unscaled, as the sampler produces it) → image [B, 3, 8h, 8w]. */
export function buildVaeDecoder(
  g: Graph, root: Scope, config: VaeDecoderConfig, dims: { batch: InputDim; height: InputDim; width: InputDim }, scaleFactor: number,
): void {
  const s = root.at(VAE_SCOPE);
  const latent = g.input('latent', g.dtype, [dims.batch, config.zChannels, dims.height, dims.width]);
  // ldm multiplies by the float32 value of 1/scale_factor (dividing differs in the last bit for some values)
  let h = conv2d(s.at('post_quant_conv'), mul(latent, Math.fround(1 / scaleFactor)));
  const d = s.at('decoder');
  h = conv2d(d.at('conv_in'), h, { pad: 1 });
  h = midBlock(d.at('mid'), h);
  for (let level = config.levels - 1; level >= 0; level--) {
    h = g.within(`up.${level}`, () => {
      let x = h;
      for (let j = 0; j < config.resBlocksPerLevel; j++) x = resnetBlock(d.at(`up.${level}.block.${j}`), x);
      return level > 0 ? upsampleNearest(d.at(`up.${level}.upsample`), x) : x;
    });
  }
  h = outputHead(d, h);
  g.output(h, 'image');
}
