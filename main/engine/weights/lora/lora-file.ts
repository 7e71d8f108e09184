// A LoRA file as a list of adapted modules. Every layout found in the wild is read from its key names:
//   kohya / A1111   lora_unet_<module>.lora_down.weight, .lora_up.weight, .alpha (LoCon: 3x3 down kernels)
//   diffusers       unet.<module>.lora.down.weight / .lora.up.weight (old attention processors:
//                   <block>.processor.to_q_lora.down.weight), text_encoder.<module>...
//   PEFT            <prefix>.<module>.lora_A.weight / .lora_B.weight, optional .alpha
//   LyCORIS LoHa    <module>.hada_w1_a, hada_w1_b, hada_w2_a, hada_w2_b, alpha
//   LyCORIS LoKr    <module>.lokr_w1 | lokr_w1_a + lokr_w1_b, lokr_w2 | lokr_w2_a + lokr_w2_b, alpha
// Only .safetensors: a pickle LoRA is refused like a pickle checkpoint (never unpickled).
// Ref: kohya-ss/sd-scripts networks/lora.py (LoRAModule, key names), KohakuBlueleaf/LyCORIS
// lycoris/modules/{loha,lokr}.py, huggingface/diffusers loaders/lora_conversion_utils.py, AUTOMATIC1111
// extensions-builtin/Lora/network_{lora,hada,lokr}.py.
import type { AddonBase, ModelFamily } from '../../../../preload/contract/vocabulary';
import { EngineError } from '../../errors';
import { readSafetensorsRefusingPickle } from '../pickle-refusal';
import { isWeightDType, type SafetensorsTensor } from '../safetensors';

export type LoraKind = 'lora' | 'loha' | 'lokr';

/** One adapted layer: its name as the file spells it (prefix and separators normalised) and its tensors. */
export interface LoraModule {
  /** `unet` or `text` (the text encoder) and the module path with `_` separators, e.g. `down_blocks_0_attentions_0_proj_in`. */
  readonly part: 'unet' | 'text';
  readonly name: string;
  /** The key stem as stored, for messages. */
  readonly stored: string;
  readonly kind: LoraKind;
  /** Tensors by role (`down`, `up`, `alpha`, `w1a` …). */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
}

export interface LoraFile {
  readonly path: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly modules: readonly LoraModule[];
  /** Keys that are not part of any module this reader knows (reported, never silently dropped). */
  readonly unknownKeys: readonly string[];
  readonly layout: 'kohya' | 'diffusers' | 'peft' | 'lycoris' | 'mixed';
}

/** Key suffix → role. Longer suffixes first where one ends another. */
const ROLES: readonly (readonly [suffix: string, role: string, kind: LoraKind | null])[] = [
  ['.lora_down.weight', 'down', 'lora'], ['.lora_up.weight', 'up', 'lora'], ['.lora_mid.weight', 'mid', 'lora'],
  ['.lora.down.weight', 'down', 'lora'], ['.lora.up.weight', 'up', 'lora'],
  ['.lora_A.weight', 'down', 'lora'], ['.lora_B.weight', 'up', 'lora'],
  ['.hada_w1_a', 'w1a', 'loha'], ['.hada_w1_b', 'w1b', 'loha'], ['.hada_w2_a', 'w2a', 'loha'], ['.hada_w2_b', 'w2b', 'loha'],
  ['.hada_t1', 't1', 'loha'], ['.hada_t2', 't2', 'loha'],
  ['.lokr_w1', 'k1', 'lokr'], ['.lokr_w1_a', 'k1a', 'lokr'], ['.lokr_w1_b', 'k1b', 'lokr'],
  ['.lokr_w2', 'k2', 'lokr'], ['.lokr_w2_a', 'k2a', 'lokr'], ['.lokr_w2_b', 'k2b', 'lokr'], ['.lokr_t2', 't2', 'lokr'],
  ['.dora_scale', 'dora', null], ['.alpha', 'alpha', null],
];

/** Text-encoder and UNet prefixes of every layout, longest first; `_`-joined kohya names keep their separators. */
const PREFIXES: readonly (readonly [prefix: string, part: 'unet' | 'text'])[] = [
  ['base_model.model.unet.', 'unet'], ['base_model.model.text_encoder.', 'text'],
  ['lora_unet_', 'unet'], ['lora_te_', 'text'], ['lora_te1_', 'text'],
  ['unet.', 'unet'], ['text_encoder.', 'text'],
];

/** diffusers' pre-PEFT attention processors: `attn1.processor.to_q_lora.down` → `attn1.to_q.lora.down`. */
function normaliseProcessorKey(key: string): string {
  return key.replace(/\.processor\.(to_q|to_k|to_v|to_out)_lora\./, (_, proj: string) => `.${proj === 'to_out' ? 'to_out.0' : proj}.lora.`);
}

export async function readLoraFile(path: string): Promise<LoraFile> {
  const header = await readSafetensorsRefusingPickle(path).catch((err: unknown) => {
    if (err instanceof EngineError && err.code === 'model-pickle') {
      throw new EngineError('model-pickle', err.message.replace('is a pickle checkpoint', 'is a pickle LoRA'));
    }
    throw err;
  });
  const stems = new Map<string, { kind: LoraKind | null; tensors: Map<string, SafetensorsTensor> }>();
  const unknownKeys: string[] = [];
  for (const t of header.tensors.values()) {
    const key = normaliseProcessorKey(t.name);
    const role = ROLES.find(([suffix]) => key.endsWith(suffix));
    if (!role || !isWeightDType(t.dtype)) { unknownKeys.push(t.name); continue; }
    const stem = key.slice(0, -role[0].length);
    const entry = stems.get(stem) ?? { kind: null, tensors: new Map() };
    if (role[2] !== null) {
      if (entry.kind !== null && entry.kind !== role[2]) throw new EngineError('model-corrupt', `"${path}" mixes two adapter kinds in ${stem}; the LoRA file is damaged.`);
      entry.kind = role[2];
    }
    entry.tensors.set(role[1], t);
    stems.set(stem, entry);
  }
  const modules: LoraModule[] = [];
  for (const [stem, { kind, tensors }] of stems) {
    const prefix = PREFIXES.find(([p]) => stem.startsWith(p));
    if (!prefix || kind === null) { unknownKeys.push(...[...tensors.values()].map((t) => t.name)); continue; }
    modules.push({ part: prefix[1], name: stem.slice(prefix[0].length).replace(/\./g, '_'), stored: stem, kind, tensors });
  }
  if (header.tensors.size === 0) throw new EngineError('model-unsupported', `"${path}" holds no tensors, so it is not a LoRA.`);
  const layouts = new Set(modules.map(layoutOf));
  return { path: header.file, metadata: header.metadata, modules, unknownKeys, layout: layouts.size === 1 ? [...layouts][0]! : 'mixed' };
}

function layoutOf(m: LoraModule): LoraFile['layout'] {
  if (m.kind !== 'lora') return 'lycoris';
  const name = m.tensors.get('down')?.name ?? '';
  return name.endsWith('.lora_A.weight') ? 'peft' : name.endsWith('lora.down.weight') ? 'diffusers' : 'kohya';
}

/** What a LoRA says it was made for: its metadata, or SDXL's two text encoders in its key names; undefined when it does not say. */
export function loraBase(lora: LoraFile): AddonBase | undefined {
  const base = (lora.metadata.ss_base_model_version ?? lora.metadata['modelspec.architecture'] ?? '').toLowerCase();
  if (base.includes('xl') || lora.modules.some((m) => m.stored.startsWith('lora_te1_') || m.stored.startsWith('lora_te2_'))) return 'sdxl';
  if (base.startsWith('sd_v2') || base.includes('stable-diffusion-v2')) return 'sd2';
  if (base.startsWith('sd_v1') || base.includes('stable-diffusion-v1')) return 'sd1';
  return undefined;
}

const BASE_NAMES: Record<AddonBase, string> = { sd1: 'Stable Diffusion 1.x', sd2: 'Stable Diffusion 2.x', sdxl: 'Stable Diffusion XL' };

/** Why a LoRA cannot be used with a model family, from what it says it was made for, or undefined. */
export function architectureMismatch(lora: LoraFile, family: ModelFamily): string | undefined {
  const base = loraBase(lora);
  return base === undefined || base === family ? undefined : `it was made for ${BASE_NAMES[base]}`;
}
