// Loading the parameters of a dropped or pasted image into the Generate form, and telling the user what was
// loaded (and what could not be).
import type { ImageParametersDto } from '../../../preload/contract';
import { restoreAddons } from '../lib/addon-restore';
import { errorMessage } from '../lib/error-message';
import type { Studio } from './studio';

const SOURCE_LABELS: Record<ImageParametersDto['source'], string> = {
  'dato-studio': 'DaTo Studio', a1111: 'A1111-format', none: '',
};

export async function loadImageParameters(studio: Studio, file: File): Promise<void> {
  const { api, addons, form, models, nav, toasts } = studio;
  nav.go('generate');
  let read: ImageParametersDto;
  try {
    read = await api.readImageParameters(file);
  } catch (error) {
    toasts.error(`Could not read "${file.name}": ${errorMessage(error)}`);
    return;
  }
  if (read.source === 'none') {
    toasts.error(`Nothing loaded from "${file.name}": ${read.notes.join(' ')}`);
    return;
  }
  const model = read.modelName === null ? undefined : models.list.find((m) => m.name === read.modelName);
  const current = models.byId(form.modelId);
  const loaded = form.applyImageParameters(read, model && model.id !== current?.id ? model.id : undefined);
  // image-to-image settings (issue 9): into Img2img / Inpaint, with the source picture when it is in the library
  if (read.img2img) {
    loaded.push(...await studio.img2img.applyRead(read.img2img));
    nav.go('img2img');
  }
  const notes = [...read.notes];
  if (read.modelName !== null && !model) notes.push(`Its model "${read.modelName}" is not in your library; the form keeps its model.`);
  // add-ons (issue 11): LoRAs with weights, VAE and clip skip found in the library; the missing ones named
  if (read.addons) {
    const restored = restoreAddons(read.addons, addons.list);
    form.applyAddons(restored);
    loaded.push('LoRAs, VAE and clip skip');
    if (restored.missing.length) notes.push(`Not in your library (import them on the Models screen): ${restored.missing.join(', ')}.`);
  }
  toasts.show(`Loaded ${loaded.join(', ')} from "${file.name}" (${SOURCE_LABELS[read.source]} parameters).${notes.length ? ` ${notes.join(' ')}` : ''}`);
}
