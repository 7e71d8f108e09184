// POST /image-parameters: an image a web-mode user dropped or pasted on Generate, read in memory (capped at
// the external-image limit before it is buffered) and answered with its generation parameters.
// POST /source-images (issue 9) reads its body the same way (readUploadBytes).
import type { ImageParametersDto } from '../../preload/contract';
import { MAX_EXTERNAL_IMAGE_BYTES, readImageParametersFromBytes } from '../images/external-image';
import { ImageFileError } from '../images/image-file-error';
import { imageParametersDto } from '../services/image-parameters';
import type { SourceImagesService } from '../services/source-images-service';

export async function readUploadBytes(req: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += chunk.byteLength;
    if (total > MAX_EXTERNAL_IMAGE_BYTES) {
      throw new ImageFileError('image-too-large', 'This image file is larger than 128 MB and was not opened.', `over ${total} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  if (total === 0) throw new ImageFileError('image-invalid', 'The dropped file is empty.', '0 bytes');
  return Buffer.concat(chunks);
}

export async function readImageParametersUpload(req: AsyncIterable<Uint8Array>, sources?: SourceImagesService): Promise<ImageParametersDto> {
  return imageParametersDto(await readImageParametersFromBytes(await readUploadBytes(req)), sources);
}

