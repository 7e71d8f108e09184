// The tensors of one diffusers component renamed to canonical LDM names (and LDM shapes). Block numbering
// comes from the component's own tensor names; names no rule covers (e.g. SDXL's `add_embedding`) keep
// their diffusers spelling under the LDM prefix, so detect.ts can still say what the model is.

import type { DiffusersComponent } from './diffusers-configs';
import { clipDiffusersToLdm } from './names/clip';
import { UNET_PREFIX, unetLayoutFromDiffusers, unetRules } from './names/unet';
import { VAE_PREFIX, ldmVaeShape, vaeLayoutFromDiffusers, vaeRules } from './names/vae';
import type { SafetensorsHeader } from './safetensors';
import type { TensorEntry } from './tensor-index';
import { isIgnoredKey, weightEntry } from './tensor-entries';

type Renamer = (name: string, shape: readonly number[]) => { name: string; shape: readonly number[] };

function renamerFor(component: DiffusersComponent, names: readonly string[]): Renamer {
  switch (component) {
    case 'unet': {
      const rules = unetRules(unetLayoutFromDiffusers(names));
      return (name, shape) => ({ name: UNET_PREFIX + (rules.toLdm(name) ?? name), shape });
    }
    case 'vae': {
      const rules = vaeRules(vaeLayoutFromDiffusers(names));
      return (name, shape) => {
        const ldm = rules.toLdm(name) ?? name;
        return { name: VAE_PREFIX + ldm, shape: ldmVaeShape(ldm, shape) };
      };
    }
    case 'text_encoder':
      return (name, shape) => ({ name: clipDiffusersToLdm(name), shape });
  }
}

export function diffusersToLdmEntries(component: DiffusersComponent, headers: readonly SafetensorsHeader[]): TensorEntry[] {
  const stored = headers.flatMap((h) => [...h.tensors.values()].map((t) => ({ t, file: h.file })));
  const rename = renamerFor(component, stored.map(({ t }) => t.name));
  const entries: TensorEntry[] = [];
  for (const { t, file } of stored) {
    if (isIgnoredKey(t.name)) continue;
    const { name, shape } = rename(t.name, t.shape);
    const entry = weightEntry(name, shape, t, file);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}
