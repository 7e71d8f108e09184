// Failures reading an image file the user gave us (drag-and-drop "load parameters", img2img input): the app's
// one error class narrowed to the image codes (preload/contract/vocabulary.ts).
import { AppError } from '../common/app-error';
import type { ImageFileErrorCode } from '../../preload/contract/vocabulary';

export type { ImageFileErrorCode };

export class ImageFileError extends AppError<ImageFileErrorCode> {}

export function damaged(detail: string): ImageFileError {
  return new ImageFileError('image-invalid', 'This image is damaged or is not a PNG file.', detail);
}
