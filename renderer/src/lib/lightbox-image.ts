// One image the lightbox can show (Generate's recent results, a comparison's variants, the gallery).
export interface LightboxImage {
  readonly generationId: number;
  /** Full-size image URL. */
  readonly src: string;
  readonly alt: string;
  readonly caption: string;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
}
