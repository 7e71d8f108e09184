// Whether a LoRA or embedding suits the chosen model, said in the picker before generating (the engine refuses
// a LoRA made for another family at generation time, lora-file.ts; an embedding of another width never matches).
import { ADDON_BASE_LABELS, MODEL_FAMILY_LABELS, type AddonDto, type ModelDto } from '../../../preload/contract';

/** "Made for SD 2.x; Demo: coloured shapes is SD 1.x", or null when it fits or either side does not say. */
export function addonMismatch(addon: AddonDto, model: ModelDto | null): string | null {
  if (addon.info.kind === 'vae' || !model?.architecture) return null;
  const madeFor = addon.info.madeFor;
  if (!madeFor || madeFor === model.architecture.family) return null;
  return `Made for ${ADDON_BASE_LABELS[madeFor]}; ${model.name} is ${MODEL_FAMILY_LABELS[model.architecture.family]}.`;
}
