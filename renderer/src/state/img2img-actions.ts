// Ways into Img2img / Inpaint from elsewhere (issue 9): "send to img2img" from a finished generation or a
// gallery image, reusing an image-to-image generation's parameters (its source picture from the library).
import type { GenerateParams } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import type { Studio } from './studio';

export async function sendToImg2Img(studio: Studio, generationId: number): Promise<void> {
  studio.nav.go('img2img');
  if (await studio.img2img.fromGeneration(generationId)) studio.toasts.show('The image is the new input picture: paint a mask to inpaint, or press Generate.');
}

/** Fill both forms from stored parameters; an image-to-image generation opens Img2img / Inpaint with its source. */
export async function reuseParameters(studio: Studio, params: GenerateParams): Promise<void> {
  studio.form.apply(params);
  if (!params.source) return studio.nav.go('generate');
  studio.nav.go('img2img');
  try {
    await studio.img2img.applySource(params.source, await studio.api.images.getSource({ sourceId: params.source.imageId }));
  } catch (error) {
    studio.toasts.error(`The source picture could not be loaded: ${errorMessage(error)}`);
  }
}
