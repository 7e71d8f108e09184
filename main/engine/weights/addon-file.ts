// What a LoRA, textual-inversion embedding or standalone VAE file is, for `dato-studio info` and the model
// library: read from the safetensors header and its metadata only (no weights are read, pickles refused).
// A file that holds a UNet is a checkpoint and is described by inspectModel instead (undefined here).
import { basename, extname } from 'node:path';
import { EngineError } from '../errors';
import type { AddonBase, ModelFamily } from '../../../preload/contract/vocabulary';
import { loraBase, readLoraFile } from './lora/lora-file';
import { UNET_PREFIX } from './names/prefixes';
import { readSafetensorsRefusingPickle } from './pickle-refusal';
import { vaeTensors } from './vae-override';

export type AddonInfo =
  | {
    readonly kind: 'lora'; readonly path: string; readonly layout: string;
    readonly modules: { readonly unet: number; readonly text: number };
    readonly adapters: readonly string[]; readonly rank?: number; readonly baseModel?: string;
    /** What its metadata or key names say it was made for (lora-file.ts loraBase). */
    readonly madeFor?: AddonBase;
    readonly triggerWords: readonly string[]; readonly unknownKeys: number;
  }
  | {
    readonly kind: 'embedding'; readonly path: string; readonly trigger: string; readonly vectors: number; readonly width: number;
    /** The family its text-encoder width belongs to; undefined for another width. */
    readonly madeFor?: ModelFamily;
  }
  | { readonly kind: 'vae'; readonly path: string; readonly layout: string; readonly tensors: number };

/** Text-encoder width → the family an embedding is for. */
const FAMILY_BY_WIDTH: Readonly<Record<number, ModelFamily>> = { 768: 'sd1', 1024: 'sd2' };

/** The most frequent training tags (kohya's `ss_tag_frequency`), which users type as trigger words. */
function triggerWords(metadata: Readonly<Record<string, string>>, count = 5): string[] {
  try {
    const freq = JSON.parse(metadata.ss_tag_frequency ?? '{}') as Record<string, Record<string, number>>;
    const totals = new Map<string, number>();
    for (const tags of Object.values(freq)) for (const [tag, n] of Object.entries(tags)) totals.set(tag.trim(), (totals.get(tag.trim()) ?? 0) + Number(n));
    return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([t]) => t);
  } catch {
    return [];
  }
}

export async function describeAddonFile(path: string): Promise<AddonInfo | undefined> {
  const header = await readSafetensorsRefusingPickle(path);
  const names = [...header.tensors.keys()];
  if (names.some((n) => n.startsWith(UNET_PREFIX))) return undefined;
  const embedding = names.filter((n) => n === 'emb_params' || n.startsWith('string_to_param.'));
  if (embedding.length > 0) {
    const shape = header.tensors.get(embedding[0]!)!.shape;
    const [vectors, width] = shape.length === 2 ? [shape[0]!, shape[1]!] : [1, shape[0]!];
    const madeFor = FAMILY_BY_WIDTH[width];
    return { kind: 'embedding', path: header.file, trigger: basename(path, extname(path)), vectors, width, ...(madeFor ? { madeFor } : {}) };
  }
  if (names.some((n) => /^clip_[lg]$/.test(n))) {
    throw new EngineError('model-unsupported', `"${basename(path)}" is an SDXL textual-inversion embedding (clip_l/clip_g); DaTo Studio runs SD 1.x and 2.x models.`);
  }
  const lora = await readLoraFile(path);
  if (lora.modules.length > 0) {
    const down = lora.modules.map((m) => m.tensors.get('down')).find((t) => t !== undefined);
    const base = lora.metadata.ss_base_model_version ?? lora.metadata['modelspec.architecture'];
    const madeFor = loraBase(lora);
    return {
      kind: 'lora', path: lora.path, layout: lora.layout,
      modules: { unet: lora.modules.filter((m) => m.part === 'unet').length, text: lora.modules.filter((m) => m.part === 'text').length },
      adapters: [...new Set(lora.modules.map((m) => m.kind))],
      ...(down ? { rank: down.shape[0]! } : {}), ...(base ? { baseModel: base } : {}), ...(madeFor ? { madeFor } : {}),
      triggerWords: triggerWords(lora.metadata), unknownKeys: lora.unknownKeys.length,
    };
  }
  const vae = vaeTensors(header);
  if (vae.tensors.size > 0) return { kind: 'vae', path: header.file, layout: vae.layout, tensors: vae.tensors.size };
  return undefined;
}
