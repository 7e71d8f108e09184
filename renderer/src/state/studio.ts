// The renderer's state, built once from the StudioApi and shared through context: one runes class per
// concern, wired together here (and only here) where one concern reacts to another.
import type { StudioApi } from '../../../preload/contract';
import { CalibrationState } from './calibration.svelte';
import { AddonsState } from './addons.svelte';
import { CompareState } from './compare.svelte';
import { GalleryDetail } from './gallery-detail.svelte';
import { GalleryState } from './gallery.svelte';
import { GenerateForm } from './generate-form.svelte';
import { Img2ImgState } from './img2img.svelte';
import { JobsState } from './jobs.svelte';
import { ModelsState } from './models.svelte';
import { Navigation } from './navigation.svelte';
import { PresetsState } from './presets.svelte';
import { SettingsState } from './settings.svelte';
import { SystemState } from './system.svelte';
import { Toasts } from './toasts.svelte';

export interface Studio {
  readonly api: StudioApi;
  readonly nav: Navigation;
  readonly toasts: Toasts;
  readonly system: SystemState;
  readonly settings: SettingsState;
  readonly models: ModelsState;
  /** LoRAs, embeddings, VAEs (issue 11). */
  readonly addons: AddonsState;
  readonly presets: PresetsState;
  readonly form: GenerateForm;
  /** Image to image / Inpaint (issue 9). */
  readonly img2img: Img2ImgState;
  readonly jobs: JobsState;
  readonly gallery: GalleryState;
  readonly detail: GalleryDetail;
  readonly compare: CompareState;
  readonly calibration: CalibrationState;
}

export function createStudio(api: StudioApi): Studio {
  const toasts = new Toasts();
  const presets = new PresetsState(api);
  const gallery = new GalleryState(api, toasts);
  const form = new GenerateForm(api, presets);
  const studio: Studio = {
    api,
    nav: new Navigation(),
    toasts,
    system: new SystemState(api),
    settings: new SettingsState(api),
    models: new ModelsState(api),
    addons: new AddonsState(api),
    presets,
    form,
    img2img: new Img2ImgState(api),
    jobs: new JobsState(api),
    gallery,
    detail: new GalleryDetail(api, gallery, toasts),
    compare: new CompareState(api, presets),
    calibration: new CalibrationState(api, form, presets),
  };
  studio.jobs.onDone = () => void studio.form.refreshLastSeed();
  return studio;
}

/** First load: the system check decides whether anything else is worth asking. */
export async function startStudio(studio: Studio): Promise<void> {
  if (!(await studio.system.load())) return;
  await Promise.all([studio.settings.load(), studio.models.load(), studio.addons.load(), studio.presets.load(), studio.jobs.load(), studio.compare.load()]);
  // issue 11: Settings' defaults (a default VAE removed from the library since is left out)
  studio.form.clipSkip = studio.settings.current?.defaultClipSkip ?? 1;
  studio.form.vaeId = studio.addons.byId(studio.settings.current?.defaultVaeId)?.id ?? null;
  void studio.calibration.load();
  await studio.form.load();
  studio.compare.initFrom(studio.form.toParams());
  await studio.gallery.reload();
}
