// The gallery: pages of finished generations (FTS5 search, filters, keyset pagination in the database), the
// detail of one, favourite, delete (soft and undoable until the next start, or permanent after a confirm),
// and "reuse parameters". Files are looked up by generation id only; the UI never names a path.
import { basename } from 'node:path';
import type {
  AppliedAddonsDto,
  GalleryItemDto, GalleryPageDto, GalleryQueryDto, GenerateParams, GenerationDetailDto, ImageVariant, PromptHistoryItemDto, SourceParamsDto,
} from '../../preload/contract';
import type { GenerationRecord } from '../db/generation-record';
import { purgeGenerationsById } from '../db/generation-purge';
import type { StudioDb } from '../db/index';
import { deleteImageFiles } from '../images/image-store';
import { appliedAddonFields } from '../images/addon-parameters';
import { formatA1111Parameters } from '../images/parameters';
import { accelFromColumns } from './accel-mapping';
import type { EventHub } from './event-hub';
import { heatmapPathFor } from './heatmap-path';
import { speedupFromRecord, timingsDto, type RecordedTimings } from './recorded-timings';
import { notFound } from './service-error';
import { sourceParams, sourceSettings } from './source-images-service';
import { hiresParameterFields, sourceParameterFields } from '../images/img2img-parameters';

export function galleryItem(r: GenerationRecord): GalleryItemDto {
  return {
    id: r.id, prompt: r.prompt, modelId: r.modelId, modelName: r.modelName, mode: r.mode, width: r.width, height: r.height,
    seed: r.seed, favourite: r.favourite, createdAt: r.createdAt, speedup: r.speedup, comparisonId: r.comparisonGroupId,
    missing: r.image?.missing ?? true,
  };
}

const withHeatmaps = (files: readonly string[]): string[] =>
  files.flatMap((f) => (f.endsWith('.png') ? [f, heatmapPathFor(f)] : [f]));

export class GalleryService {
  constructor(private readonly db: StudioDb, private readonly events: EventHub) {}

  list(query: GalleryQueryDto): GalleryPageDto {
    const page = this.db.generations.listGallery(query);
    return { items: page.items.map(galleryItem), nextCursor: page.nextCursor };
  }

  private record(id: number): GenerationRecord {
    const r = this.db.generations.get(id);
    if (!r || r.deletedAt !== null) throw notFound('This image');
    return r;
  }

  get(id: number): GenerationDetailDto {
    const r = this.record(id);
    const addons = this.db.addons.applied(id) as AppliedAddonsDto | null;
    const source = sourceParams(this.db, id);
    const timings = r.timings as RecordedTimings | null;
    return {
      ...galleryItem(r),
      jobId: r.jobId, batchIndex: r.batchIndex, negativePrompt: r.negativePrompt, sampler: r.sampler, steps: r.steps, cfg: r.cfg,
      accel: accelFromColumns(r.mode, r.schedule, r.accel), schedule: r.schedule, provider: r.provider,
      timings: timings ? timingsDto(timings) : null, unetSeconds: r.unetSeconds, speedupDetail: speedupFromRecord(r.speedup, timings),
      psnrVsBaseline: r.psnrVsBaseline, fileName: r.image ? basename(r.image.path) : null, bytes: r.image?.bytes ?? null,
      parametersText: formatA1111Parameters({
        prompt: r.prompt, negativePrompt: r.negativePrompt, steps: r.steps, sampler: r.sampler, cfg: r.cfg, seed: r.seed,
        width: r.width, height: r.height, modelName: r.modelName,
        extra: {
          ...appliedAddonFields(addons), ...(source ? sourceParameterFields(sourceSettings(source)) : {}),
          ...(r.hires ? hiresParameterFields(r.hires) : {}),
        },
      }),
      addons, // issue 11
      source, hires: r.hires, // issue 9
    };
  }

  setFavourite(id: number, favourite: boolean): GalleryItemDto {
    this.record(id);
    this.db.generations.setFavourite(id, favourite);
    this.events.emit('onGalleryEvent', { type: 'updated', generationIds: [id] });
    return galleryItem(this.record(id));
  }

  async delete(ids: readonly number[], permanent: boolean): Promise<number[]> {
    const softDeleted = this.db.generations.softDelete(ids);
    const deleted = permanent ? await this.purge(ids) : softDeleted;
    if (deleted.length) this.events.emit('onGalleryEvent', { type: 'deleted', generationIds: deleted });
    return deleted;
  }

  undoDelete(ids: readonly number[]): number[] {
    const restored = this.db.generations.undoDelete(ids);
    if (restored.length) this.events.emit('onGalleryEvent', { type: 'restored', generationIds: restored });
    return restored;
  }

  /** Rows first, then their image, thumbnail and heat-map files. Returns the ids removed. */
  async purge(ids: readonly number[]): Promise<number[]> {
    const { generationIds, files } = purgeGenerationsById(this.db.db, ids);
    await deleteImageFiles(withHeatmaps(files));
    return generationIds;
  }

  /** Purge everything soft-deleted (startup: deletes are undoable until the app restarts). */
  async purgeAllDeleted(): Promise<number> {
    const { generationIds, files } = this.db.generations.purgeDeleted();
    await deleteImageFiles(withHeatmaps(files));
    return generationIds.length;
  }

  prompts(search: string | undefined, limit: number): PromptHistoryItemDto[] {
    return this.db.generations.recentPrompts(search, limit);
  }

  reuseParameters(id: number): GenerateParams {
    const r = this.record(id);
    return {
      modelId: r.modelId, prompt: r.prompt, negativePrompt: r.negativePrompt, accel: accelFromColumns(r.mode, r.schedule, r.accel),
      sampler: r.sampler, steps: r.steps, cfg: r.cfg, width: r.width, height: r.height, seed: { mode: 'fixed', value: r.seed }, batchCount: 1,
      ...this.reusedAddons(id), // issue 11
      ...this.sourceOf(id), ...(r.hires ? { hires: r.hires } : {}), // issue 9
    };
  }

  /** The LoRAs (with weights), VAE and clip skip a generation applied, as far as they are still in the library (by hash, else name). */
  private reusedAddons(id: number): Pick<GenerateParams, 'loras' | 'vaeId' | 'clipSkip'> {
    const applied = this.db.addons.applied(id) as AppliedAddonsDto | null;
    if (!applied) return {};
    const library = this.db.addons.list();
    const find = (kind: string, e: { name: string; hash: string }) =>
      library.find((a) => a.kind === kind && a.hash === e.hash) ?? library.find((a) => a.kind === kind && a.name === e.name);
    const loras = applied.loras.flatMap((l) => {
      const found = find('lora', l);
      return found ? [{ addonId: found.id, unet: l.unet, text: l.text }] : [];
    });
    const vae = applied.vae ? find('vae', applied.vae) : undefined;
    return { loras, vaeId: vae?.id ?? null, clipSkip: applied.clipSkip };
  }

  /** Image-to-image (issue 9): what a generation started from, as reuse sends it again. */
  private sourceOf(id: number): { source?: SourceParamsDto } {
    const source = sourceParams(this.db, id);
    return source ? { source } : {};
  }

  /** The file behind an image URL, or null (unknown id, deleted, no such variant). */
  filePath(id: number, variant: ImageVariant): string | null {
    const r = this.db.generations.get(id);
    if (!r || r.deletedAt !== null || r.status !== 'complete' || !r.image) return null;
    if (variant === 'full') return r.image.path;
    if (variant === 'thumb') return r.image.thumbPath;
    return heatmapPathFor(r.image.path);
  }
}
