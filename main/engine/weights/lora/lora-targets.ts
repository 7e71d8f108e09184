// Which checkpoint weight each LoRA module adapts. LoRA trainers name modules after the diffusers model
// (kohya: `lora_unet_down_blocks_0_attentions_0_proj_in`, dots as underscores; diffusers/PEFT: the dotted
// name), a few after the LDM one (`lora_unet_input_blocks_1_1_proj_in`), and text-encoder modules after
// Hugging Face CLIP (`lora_te_text_model_encoder_layers_0_self_attn_q_proj`). The table maps every such
// spelling, with `.`→`_`, to the LDM key this engine reads. SD 2.x keeps OpenCLIP's fused attention
// projection: q/k/v LoRAs adapt one third of `in_proj_weight` each (rows), as A1111 and kohya's
// SD2 conversion do.
// Ref: kohya-ss/sd-scripts library/model_util.py (SD2 text encoder conversion), networks/lora.py.
import type { Sd1Model } from '../../models/sd1-model';
import { OPEN_CLIP_SCOPE } from '../names/prefixes';
import { unetRules, UNET_PREFIX } from '../names/unet';

export interface LoraTarget {
  /** LDM key of the weight (`….weight`). */
  readonly key: string;
  readonly shape: readonly number[];
  /** For fused OpenCLIP q/k/v: the rows of the weight this module adapts. */
  readonly rows?: readonly [number, number];
}

const underscored = (name: string): string => name.replace(/\./g, '_');

/** `part:name` → target, for every weight of the model a LoRA can adapt (Linear and Conv weights). */
export function loraTargets(model: Sd1Model): Map<string, LoraTarget> {
  const table = new Map<string, LoraTarget>();
  const levels = model.unet.inputBlocks.filter((b) => b.kind === 'down').length + 1;
  const resBlocks = model.unet.inputBlocks.filter((b) => b.kind === 'res').length / levels;
  const rules = unetRules({ levels, resBlocks, attention: levelAttention(model) });
  for (const [key, entry] of model.index.tensors) {
    if (!key.endsWith('.weight') || entry.shape.length < 2) continue;
    const module = key.slice(0, -'.weight'.length);
    if (key.startsWith(UNET_PREFIX)) {
      const ldm = module.slice(UNET_PREFIX.length);
      const target = { key, shape: entry.shape };
      table.set(`unet:${underscored(ldm)}`, target);
      const diffusers = rules.toDiffusers(`${ldm}.`);
      if (diffusers) table.set(`unet:${underscored(diffusers.slice(0, -1))}`, target);
    } else if (key.startsWith('cond_stage_model.transformer.')) {
      table.set(`text:${underscored(module.slice('cond_stage_model.transformer.'.length))}`, { key, shape: entry.shape });
    }
  }
  if (model.text.kind === 'open-clip') addOpenClipTargets(model, table);
  return table;
}

function addOpenClipTargets(model: Sd1Model, table: Map<string, LoraTarget>): void {
  const w = model.text.width;
  for (let i = 0; i < model.text.layers; i++) {
    const block = `${OPEN_CLIP_SCOPE}.transformer.resblocks.${i}`;
    const hf = `text:text_model_encoder_layers_${i}`;
    const fused = `${block}.attn.in_proj_weight`;
    const shapeOf = (k: string): readonly number[] => model.index.tensors.get(k)!.shape;
    (['q', 'k', 'v'] as const).forEach((p, j) => {
      table.set(`${hf}_self_attn_${p}_proj`, { key: fused, shape: [w, w], rows: [j * w, (j + 1) * w] });
    });
    for (const [name, key] of [['self_attn_out_proj', 'attn.out_proj'], ['mlp_fc1', 'mlp.c_fc'], ['mlp_fc2', 'mlp.c_proj']] as const) {
      const full = `${block}.${key}.weight`;
      if (model.index.tensors.has(full)) table.set(`${hf}_${name}`, { key: full, shape: shapeOf(full) });
    }
  }
}

/** Whether each UNet level has attention, from the input blocks (a level = res blocks up to a downsample). */
function levelAttention(model: Sd1Model): boolean[] {
  const levels: boolean[] = [false];
  for (const b of model.unet.inputBlocks) {
    if (b.kind === 'down') levels.push(false);
    else if (b.kind === 'res' && b.attention) levels[levels.length - 1] = true;
  }
  return levels;
}
