// Live previews to the UI as small PNG data URLs (latent-sized: 16×16 for the demo model, 64×64 for SD 1.5
// at 512 px; a few hundred bytes to a few KB), encoded with sharp off the engine's thread.
import sharp from 'sharp';
import type { PreviewDto } from '../../preload/contract';
import type { RgbImage } from '../engine/index';

export async function encodePreview(image: RgbImage): Promise<PreviewDto> {
  const png = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { width: image.width, height: image.height, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
