// POST /image-parameters: an image a web-mode user dropped or pasted on Generate, read in memory (capped at
// the external-image limit before it is buffered) and answered with its generation parameters.
import type { ImageParametersDto } from '../../preload/contract';
import { MAX_EXTERNAL_IMAGE_BYTES, readImageParametersFromBytes } from '../images/external-image';
import { ImageFileError } from '../images/image-file-error';
import { imageParametersDto } from '../services/image-parameters';

export async function readImageParametersUpload(req: AsyncIterable<Uint8Array>): Promise<ImageParametersDto> {
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
  return imageParametersDto(await readImageParametersFromBytes(Buffer.concat(chunks)));
}

