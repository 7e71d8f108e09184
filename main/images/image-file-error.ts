// Failures reading an image file the user gave us (drag-and-drop "load parameters", img2img input).
// Same shape as EngineError (code, user message, optional detail); the engine's code list has no image codes.

export type ImageFileErrorCode =
  | 'image-invalid'    // not a PNG / damaged chunk (bad CRC, truncated) / malformed text metadata
  | 'image-too-large'; // over the byte, pixel or text-metadata limits

export class ImageFileError extends Error {
  readonly code: ImageFileErrorCode;
  readonly detail?: string;

  constructor(code: ImageFileErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'ImageFileError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toJSON(): { code: ImageFileErrorCode; message: string; detail?: string } {
    return { code: this.code, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) };
  }
}

export function damaged(detail: string): ImageFileError {
  return new ImageFileError('image-invalid', 'This image is damaged or is not a PNG file.', detail);
}
