// Image-to-image sources in the library (issue 9): a picture or mask the user dropped, pasted, painted or sent
// from the gallery is checked (decodable, within the size limits: one clear message otherwise), re-encoded as
// a plain PNG (no metadata, EXIF orientation applied) and kept under <outputDir>/sources/ by its SHA-256, so
// a generation can name it by id and the gallery can reuse it after the user's own file is gone.
// The generation service turns a SourceParamsDto into the engine's input here (prepare).
import { createHash } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { ImageParametersDto, Img2ImgSettingsDto, SourceImageDto, SourceImageKind, SourceParamsDto } from '../../preload/contract';
import { IMG2IMG_LIMITS, LIMITS } from '../../preload/contract';
import { writeFileAtomic } from '../common/atomic-file';
import type { StudioDb } from '../db/index';
import type { SourceImageRecord } from '../db/source-images-repo';
import { EngineError } from '../engine/index';
import { ImageFileError } from '../images/image-file-error';
import { readSourceFields, type SourceSettings } from '../images/img2img-parameters';
import { SOURCES_DIR } from '../images/library-layout';
import { extendCanvas, fitImage, fitMask, loadGreyImage, loadSourceImage } from '../images/source-image';
import { prepareSource, type PreparedSource } from '../images/source-run';
import type { GalleryService } from './gallery-service';
import { notFound } from './service-error';

const LABELS: Record<SourceImageKind, string> = { image: 'The picture', mask: 'The mask' };

/** A generation's source as the contract says it (the settings column holds the rest of SourceParamsDto). */
export function sourceParams(db: StudioDb, generationId: number): SourceParamsDto | null {
  const s = db.sources.ofGeneration(generationId);
  return s ? { ...(s.settings as Omit<SourceParamsDto, 'imageId' | 'maskId'>), imageId: s.imageId, maskId: s.maskId } : null;
}

/** Record what a pending generation starts from. */
export function linkSource(db: StudioDb, generationId: number, { imageId, maskId, ...settings }: SourceParamsDto): void {
  db.sources.link(generationId, { imageId, maskId, settings });
}

const toDto = (r: SourceImageRecord): SourceImageDto => ({ id: r.id, kind: r.kind, width: r.width, height: r.height });

/** The outpainted canvas: the picture plus the margins, grown on the right/bottom to multiples of 8 (extendCanvas). */
export function outpaintSize(picture: { width: number; height: number }, o: NonNullable<SourceParamsDto['outpaint']>): { width: number; height: number } {
  return { width: Math.ceil((picture.width + o.left + o.right) / 8) * 8, height: Math.ceil((picture.height + o.top + o.bottom) / 8) * 8 };
}

/** The engine-side settings of a request (outpainting: the new area is the mask, fed as it is). */
export function sourceSettings(s: SourceParamsDto): SourceSettings {
  const masked = s.maskId !== null || s.outpaint !== null;
  return {
    strength: s.strength, resizeMode: s.resizeMode,
    ...(masked ? { mask: { blur: s.maskBlur, invert: false, content: s.maskedContent, onlyMasked: s.inpaintArea === 'only-masked', padding: s.padding } } : {}),
  };
}

export class SourceImagesService {
  constructor(private readonly db: StudioDb, private readonly outputDir: () => string, private readonly gallery: GalleryService) {}

  /** Check and keep a picture or mask; the same file twice is one row. */
  async store(bytes: Buffer, kind: SourceImageKind): Promise<SourceImageDto> {
    if (bytes.length === 0) throw new ImageFileError('image-invalid', `${LABELS[kind]} is an empty file.`);
    const label = LABELS[kind];
    const decoded = kind === 'image' ? await loadSourceImage(bytes, label) : await loadGreyImage(bytes, label);
    const data = 'rgb' in decoded ? decoded.rgb : decoded.data;
    const png = await sharp(data, { raw: { width: decoded.width, height: decoded.height, channels: kind === 'image' ? 3 : 1 } }).png({ compressionLevel: 6 }).toBuffer();
    const sha256 = createHash('sha256').update(png).digest('hex');
    const known = this.db.sources.byHash(kind, sha256);
    if (known && await access(known.path).then(() => true, () => false)) return toDto(known);
    // a new file, or a known one whose file has gone: written (again) where its row says
    const path = known?.path ?? join(this.outputDir(), SOURCES_DIR, `${kind}-${sha256}.png`);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, png);
    return toDto(known ?? this.db.sources.insertOrGet({ kind, path, width: decoded.width, height: decoded.height, bytes: png.length, sha256 }));
  }

  /** "Send to img2img": a gallery image as the next input picture. */
  async fromGeneration(generationId: number): Promise<SourceImageDto> {
    const path = this.gallery.filePath(generationId, 'full');
    if (!path) throw notFound('This image');
    const bytes = await readFile(path).catch(() => { throw new ImageFileError('image-invalid', 'This image\'s file is missing from the output folder.'); });
    return this.store(bytes, 'image');
  }

  get(id: number): SourceImageDto {
    const r = this.db.sources.get(id);
    if (!r) throw notFound('This source picture');
    return toDto(r);
  }

  /** A stored mask as a data: URL (masks are small: a few flat areas compress to little). */
  async maskDataUrl(id: number): Promise<string> {
    const png = await readFile(this.record(id, 'mask').path).catch(() => { throw new ImageFileError('image-invalid', 'This mask is no longer in the library\'s sources folder.'); });
    return `data:image/png;base64,${png.toString('base64')}`;
  }

  /** The stored file of source `id` (for the image routes), or null. */
  filePath(id: number): string | null {
    return this.db.sources.get(id)?.path ?? null;
  }

  private record(id: number, kind: SourceImageKind): SourceImageRecord {
    const r = this.db.sources.get(id);
    if (!r || r.kind !== kind) throw notFound(kind === 'image' ? 'This source picture' : 'This mask');
    return r;
  }

  /**
   * Checks a request before its jobs are queued and says the generation size: the form's, or for
   * outpainting the extended canvas's.
   */
  check(s: SourceParamsDto, size: { width: number; height: number }): { width: number; height: number } {
    const picture = this.record(s.imageId, 'image');
    if (s.maskId !== null) {
      const mask = this.record(s.maskId, 'mask');
      if (mask.width !== picture.width || mask.height !== picture.height) {
        throw new EngineError('invalid-parameters', `The mask is ${mask.width}×${mask.height} but the picture is ${picture.width}×${picture.height}; paint the mask on this picture again.`);
      }
    }
    if (!s.outpaint) return size;
    const canvas = outpaintSize(picture, s.outpaint);
    if (canvas.width > LIMITS.maxSide || canvas.height > LIMITS.maxSide || canvas.width * canvas.height > LIMITS.maxPixels) {
      throw new EngineError('invalid-parameters', `The extended picture would be ${canvas.width}×${canvas.height}: at most ${LIMITS.maxSide} pixels a side and ${LIMITS.maxPixels} pixels in all.`);
    }
    return canvas;
  }

  /** The engine's input for one job at width × height (the picture brought to that size, its mask blurred). */
  async prepare(s: SourceParamsDto, width: number, height: number): Promise<PreparedSource> {
    const picture = this.record(s.imageId, 'image');
    const gone = (what: string) => (): never => { throw new ImageFileError('image-invalid', `${what} of this generation is no longer in the library's sources folder.`); };
    const image = await loadSourceImage(picture.path, 'The source picture').catch(gone('The source picture'));
    const settings = sourceSettings(s);
    if (s.outpaint) {
      const canvas = await extendCanvas(image, s.outpaint);
      const mask = await fitMask(canvas.mask, canvas.image.width, canvas.image.height, 'resize', { blur: s.maskBlur });
      return prepareSource(canvas.image, mask, settings);
    }
    const fitted = await fitImage(image, width, height, s.resizeMode);
    if (s.maskId === null) return prepareSource(fitted, null, settings);
    const rawMask = await loadGreyImage(this.record(s.maskId, 'mask').path, 'The mask').catch(gone('The mask'));
    const mask = await fitMask(rawMask, width, height, s.resizeMode, { blur: s.maskBlur });
    return prepareSource(fitted, mask, settings);
  }

  /** What a dropped PNG's parameters say about image-to-image, with its source when the PNG is a library image. */
  readBack(fields: Readonly<Record<string, string>>, fileSha256: string): ImageParametersDto['img2img'] {
    const read = readSourceFields(fields).source;
    if (read?.strength === undefined) return undefined;
    const used = this.db.sources.ofLibraryImage(fileSha256);
    const picture = used ? this.db.sources.get(used.imageId) : null;
    const result: Img2ImgSettingsDto = {
      strength: Math.min(IMG2IMG_LIMITS.maxStrength, Math.max(IMG2IMG_LIMITS.minStrength, read.strength)),
      resizeMode: read.resizeMode ?? null,
      maskBlur: read.mask ? Math.min(IMG2IMG_LIMITS.maxMaskBlur, Math.round(read.mask.blur)) : null,
      maskedContent: read.mask?.content ?? null,
      inpaintArea: read.mask ? (read.mask.onlyMasked ? 'only-masked' : 'whole') : null,
      padding: read.mask ? Math.min(IMG2IMG_LIMITS.maxInpaintPadding, Math.round(read.mask.padding)) : null,
      source: picture ? toDto(picture) : null,
      maskId: picture ? used?.maskId ?? null : null,
      outpaint: picture ? (used?.settings as Partial<SourceParamsDto> | undefined)?.outpaint ?? null : null,
    };
    return result;
  }
}
