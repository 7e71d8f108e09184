// Live previews to the UI as small PNG data URLs (upsampled in the engine to at most 256 px: 128×128 for the
// demo model, 256×256 for SD 1.5 at 512 px; a few KB), encoded with sharp off the engine's thread.
import sharp from 'sharp';
import type { PreviewDto } from '../../preload/contract';
import type { RgbImage } from '../engine/index';

export async function encodePreview(image: RgbImage): Promise<PreviewDto> {
  const png = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { width: image.width, height: image.height, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
