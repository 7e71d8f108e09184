// The contract's methods, implemented by the services: one line each, so the mapping from what the UI can
// ask to the code that does it reads top to bottom. Arguments arrive already validated (dispatch.ts).
import { availableParallelism } from 'node:os';
import type { CapabilitiesDto, SystemInfoDto } from '../../preload/contract';
import { readImageParameters } from '../images/external-image';
import { imageParametersDto } from './image-parameters';
import { providerChoices } from './settings-service';
import type { CalibrationService } from './calibration-service';
import type { AddonsService } from './addons-service';
import type { CompareService } from './compare-service';
import type { DesktopIntegration } from './desktop-integration';
import type { Handlers } from './dispatch';
import type { GalleryService } from './gallery-service';
import type { GenerationService } from './generation-service';
import { TOO_LATE_TO_CANCEL } from './job-queue';
import type { ModelsService } from './models-service';
import { notFound, ServiceError } from './service-error';
import type { SettingsService } from './settings-service';
import type { SourceImagesService } from './source-images-service';

export interface HandlerServices {
  generation: GenerationService;
  compare: CompareService;
  calibration: CalibrationService;
  gallery: GalleryService;
  models: ModelsService;
  addons: AddonsService;
  settings: SettingsService;
  /** Image-to-image sources (issue 9). */
  sources: SourceImagesService;
  desktop: DesktopIntegration | undefined;
  shell: 'electron' | 'web';
  appVersion: string;
  databaseReadonly: boolean;
}

function capabilities(desktop: boolean): CapabilitiesDto {
  return { dialogs: desktop, revealInFolder: desktop, dragOut: desktop, importByPath: desktop, importByUpload: !desktop };
}

export function createHandlers(s: HandlerServices): Handlers {
  const desktop = (): DesktopIntegration => {
    if (!s.desktop) throw new ServiceError('unavailable', 'This action needs the desktop app.');
    return s.desktop;
  };
  const imageFile = (id: number): string => {
    const path = s.gallery.filePath(id, 'full');
    if (!path) throw notFound('This image');
    return path;
  };
  const info = (): SystemInfoDto => ({
    appVersion: s.appVersion, shell: s.shell, platform: process.platform, arch: process.arch, cpuCount: availableParallelism(), providerChoices: providerChoices(),
    databaseReadonly: s.databaseReadonly, demoModelId: s.models.demoId, capabilities: capabilities(s.desktop !== undefined),
  });

  return {
    'generation.enqueue': (a) => s.generation.enqueue(a),
    'generation.cancel': (a) => {
      if (s.generation.queue.cancel(a.jobId)) return { cancelled: true };
      return s.generation.queue.get(a.jobId)?.state === 'saving' ? { cancelled: false, message: TOO_LATE_TO_CANCEL } : { cancelled: false };
    },
    'generation.cancelAll': () => ({ cancelled: s.generation.queue.cancelAll() }),
    'generation.jobs': () => s.generation.queue.list(),
    'generation.defaults': (a) => s.generation.defaults(a.modelId),
    'generation.presets': () => s.generation.presets(),
    'generation.planCost': (a) => s.generation.planCost(a),
    'generation.presetFidelity': (a) => s.generation.presetFidelity(a),
    'generation.savePreset': (a) => s.generation.savePreset(a),
    'generation.expectedQuality': (a) => s.calibration.expected(a),
    'calibration.start': (a) => s.calibration.start(a),
    'calibration.cancel': (a) => ({ cancelled: s.calibration.stop(a.runId) }),
    'calibration.current': () => s.calibration.current(),
    'calibration.list': (a) => s.calibration.list(a.modelId),
    'compare.start': (a) => s.compare.start(a),
    'compare.get': (a) => s.compare.get(a.comparisonId),
    'compare.list': (a) => s.compare.list(a.limit),
    'gallery.list': (a) => s.gallery.list(a),
    'gallery.get': (a) => s.gallery.get(a.generationId),
    'gallery.setFavourite': (a) => s.gallery.setFavourite(a.generationId, a.favourite),
    'gallery.delete': async (a) => ({ deleted: await s.gallery.delete(a.generationIds, a.permanent ?? false) }),
    'gallery.undoDelete': (a) => ({ restored: s.gallery.undoDelete(a.generationIds) }),
    'gallery.prompts': (a) => s.gallery.prompts(a.search, a.limit),
    'gallery.reuseParameters': (a) => s.gallery.reuseParameters(a.generationId),
    'images.readParameters': async (a) => imageParametersDto(await readImageParameters(a.path), s.sources),
    'gallery.revealInFolder': (a) => { desktop().revealFile(imageFile(a.generationId)); return {}; },
    'gallery.startDrag': (a, ctx) => { desktop().startDrag(ctx.sender, imageFile(a.generationId)); return {}; },
    'models.list': () => s.models.list(),
    'models.importWithDialog': async (a) => {
      const path = await desktop().chooseModel(a.kind);
      return path === null ? null : s.models.importPath(path);
    },
    'models.importPath': (a) => s.models.importPath(a.path),
    'models.setDefault': (a) => s.models.setDefault(a.modelId),
    'models.rename': (a) => s.models.rename(a.modelId, a.name),
    'models.remove': (a) => s.models.remove(a.modelId),
    'addons.list': () => s.addons.list(),
    'addons.importPath': (a) => s.addons.importPath(a.path),
    'addons.importWithDialog': async (a) => {
      const path = await desktop().chooseAddon(a.kind);
      if (path === null) return [];
      return a.kind === 'folder' ? s.addons.importFolder(path) : [await s.addons.importPath(path)];
    },
    'addons.remove': (a) => s.addons.remove(a.addonId),
    'settings.get': () => s.settings.get(),
    'settings.update': (a) => s.settings.update(a),
    'settings.chooseOutputDir': async () => {
      const dir = await desktop().chooseFolder();
      return dir === null ? null : s.settings.setOutputDir(dir);
    },
    'settings.resetOutputDir': () => s.settings.setOutputDir(null),
    'settings.providers': (a) => s.settings.providers(a.refresh ?? false),
    'system.info': () => info(),
    // Image-to-image (issue 9)
    'images.storeSource': (a) => s.sources.store(Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength), a.kind),
    'images.sourceFromGeneration': (a) => s.sources.fromGeneration(a.generationId),
    'images.getSource': (a) => s.sources.get(a.sourceId),
    'images.maskDataUrl': async (a) => ({ dataUrl: await s.sources.maskDataUrl(a.sourceId) }),
  };
}
