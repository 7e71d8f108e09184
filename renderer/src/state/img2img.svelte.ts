// The Image-to-image / Inpaint screen's own state: the input picture (kept in the library, named by id),
// the mask being painted, and the image-to-image settings. Prompt, model, preset, sampler, size and seed are
// the Generate form's (one form, two screens); toSource() adds this part to its parameters.
import {
  IMG2IMG_LIMITS,
  type Img2ImgSettingsDto, type InpaintArea, type MaskedContent, type OutpaintDto, type ResizeMode, type SourceImageDto,
  type SourceParamsDto, type StudioApi,
} from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import { MaskHistory } from './mask-history.svelte';

export const DEFAULT_STRENGTH = 0.75;
const NO_MARGINS: OutpaintDto = { left: 0, right: 0, top: 0, bottom: 0 };

export class Img2ImgState {
  source = $state.raw<SourceImageDto | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  readonly mask = new MaskHistory();

  strength = $state(DEFAULT_STRENGTH);
  resizeMode = $state<ResizeMode>('resize');
  maskBlur = $state(4);
  maskedContent = $state<MaskedContent>('original');
  inpaintArea = $state<InpaintArea>('whole');
  padding = $state(32);
  outpaint = $state<OutpaintDto>({ ...NO_MARGINS });

  outpainting = $derived(this.outpaint.left + this.outpaint.right + this.outpaint.top + this.outpaint.bottom > 0);

  /** The first problem that stops a run, or null. */
  problem: string | null = $derived.by(() => {
    if (!this.source) return 'Drop, paste or choose a picture to start from.';
    if (!(this.strength >= IMG2IMG_LIMITS.minStrength && this.strength <= IMG2IMG_LIMITS.maxStrength)) {
      return `The denoising strength must be from ${IMG2IMG_LIMITS.minStrength} to ${IMG2IMG_LIMITS.maxStrength}.`;
    }
    const whole = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;
    if (!whole(this.maskBlur, IMG2IMG_LIMITS.maxMaskBlur)) return `The mask blur must be a whole number from 0 to ${IMG2IMG_LIMITS.maxMaskBlur}.`;
    if (!whole(this.padding, IMG2IMG_LIMITS.maxInpaintPadding)) return `The padding must be a whole number from 0 to ${IMG2IMG_LIMITS.maxInpaintPadding}.`;
    if (Object.values(this.outpaint).some((v) => !whole(v, IMG2IMG_LIMITS.maxOutpaint))) {
      return `Outpaint margins must be whole numbers from 0 to ${IMG2IMG_LIMITS.maxOutpaint}.`;
    }
    if (this.outpainting && this.mask.ops.length > 0) return 'Outpainting repaints the new border only: clear the mask, or set the margins to 0.';
    return null;
  });

  constructor(private readonly api: StudioApi) {}

  /** A picture the user dropped, pasted or chose: stored in the library first (checked there). */
  async load(file: Blob): Promise<boolean> {
    return this.#take(() => this.api.storeSourceImage(file, 'image'));
  }

  /** "Send to img2img" from the gallery or a finished generation. */
  async fromGeneration(generationId: number): Promise<boolean> {
    return this.#take(() => this.api.images.sourceFromGeneration({ generationId }));
  }

  async #take(store: () => Promise<SourceImageDto>): Promise<boolean> {
    this.loading = true;
    this.error = null;
    try {
      this.setSource(await store());
      return true;
    } catch (error) {
      this.error = errorMessage(error);
      return false;
    } finally {
      this.loading = false;
    }
  }

  setSource(source: SourceImageDto): void {
    this.source = source;
    this.mask.reset();
    this.outpaint = { ...NO_MARGINS };
  }

  /** The request's image-to-image part; `maskId` is the painted mask, stored just before. */
  toSource(maskId: number | null): SourceParamsDto {
    if (!this.source) throw new Error('no source picture');
    return {
      imageId: this.source.id, maskId: this.outpainting ? null : maskId, strength: this.strength, resizeMode: this.resizeMode,
      maskBlur: this.maskBlur, maskedContent: this.maskedContent, inpaintArea: this.inpaintArea, padding: this.padding,
      outpaint: this.outpainting ? $state.snapshot(this.outpaint) : null,
    };
  }

  /** Settings of a stored generation ("reuse parameters"): the picture and the mask are the library's. */
  async applySource(s: SourceParamsDto, picture: SourceImageDto): Promise<void> {
    const mask = s.maskId === null ? null : await this.#maskImage(s.maskId);
    this.setSource(picture);
    if (mask) this.mask.push({ kind: 'image', image: mask });
    this.strength = s.strength;
    this.resizeMode = s.resizeMode;
    this.maskBlur = s.maskBlur;
    this.maskedContent = s.maskedContent;
    this.inpaintArea = s.inpaintArea;
    this.padding = s.padding;
    this.outpaint = s.outpaint ? { ...s.outpaint } : { ...NO_MARGINS };
  }

  async #maskImage(maskId: number): Promise<HTMLImageElement> {
    const image = new Image();
    image.src = (await this.api.images.maskDataUrl({ sourceId: maskId })).dataUrl;
    await image.decode();
    return image;
  }

  /** What a dropped PNG's parameters say (null fields keep their value); returns the names of the fields set. */
  async applyRead(read: Img2ImgSettingsDto): Promise<string[]> {
    const set = ['denoising strength'];
    if (read.source) {
      const mask = read.maskId === null ? null : await this.#maskImage(read.maskId);
      this.setSource(read.source);
      if (mask) this.mask.push({ kind: 'image', image: mask });
    }
    this.strength = read.strength;
    if (read.resizeMode !== null) { this.resizeMode = read.resizeMode; set.push('resize mode'); }
    if (read.maskBlur !== null) { this.maskBlur = read.maskBlur; set.push('mask blur'); }
    if (read.maskedContent !== null) { this.maskedContent = read.maskedContent; set.push('masked content'); }
    if (read.inpaintArea !== null) { this.inpaintArea = read.inpaintArea; set.push('inpaint area'); }
    if (read.padding !== null) { this.padding = read.padding; set.push('padding'); }
    if (read.outpaint) { this.outpaint = { ...read.outpaint }; set.push('outpaint margins'); }
    if (read.source) set.push(read.maskId === null ? 'source picture' : 'source picture and mask');
    return set;
  }
}
