// `dato-studio info`: the architecture detected in a checkpoint, or why it cannot be used; for a LoRA,
// textual-inversion embedding or VAE file, what it is and how to use it.
import { statSync } from 'node:fs';
import { Engine, INSPECTION_LIMITS, spawnProcess, type AddonInfo, type ModelInfo } from '../engine/index';
import { MODEL_FAMILY_LABELS } from '../../preload/contract/vocabulary';
import { parseFlags } from './args';
import { modelFromFlags } from './generate';

export const INFO_USAGE = `usage: dato-studio info [--model PATH] [--json]   the architecture detected in a model, or what a LoRA /
                                                  textual-inversion embedding / VAE file is`;

export async function runInfo(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { model: 'string', json: 'boolean' });
  const { path } = modelFromFlags(f);
  // Checked in a process of its own under the checker's time and memory bounds, as in the app: a single
  // file may be a LoRA, an embedding or a VAE; anything else (a checkpoint, a folder) is a model.
  const checker = new Engine({ spawn: spawnProcess, keepSessions: false, inspection: INSPECTION_LIMITS });
  let addon: AddonInfo | null = null;
  let info: ModelInfo;
  try {
    if (statSync(path).isFile()) addon = await checker.inspectAddon(path);
    if (addon) {
      if (f.json === true) console.log(JSON.stringify(addon)); else printAddon(addon);
      return 0;
    }
    info = await checker.inspect(path);
  } finally {
    await checker.close();
  }
  for (const notice of info.notices) console.error(`dato-studio: ${notice}`);
  if (f.json === true) { console.log(JSON.stringify(info)); return 0; }
  const m = (n: number): string => `${(n / 1e6).toFixed(1)}M`;
  const family = info.family === 'sd2' ? 'Stable Diffusion 2.x' : 'Stable Diffusion 1.x';
  console.log(`${info.path}\n  ${family} (${info.kind}), ${(info.sizeBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  predicts ${info.prediction.prediction} (${info.prediction.source})`);
  console.log(`  UNet ${m(info.parameters.unet)} params, ${info.unet.modelChannels} channels, ${info.unet.levels} levels, context ${info.unet.contextDim}`);
  console.log(`  text encoder ${m(info.parameters.text)} params, width ${info.text.width}, ${info.text.layers} layers; VAE ${m(info.parameters.vae)} params`);
  console.log(`  native size ${info.nativeSize}×${info.nativeSize}`);
  return 0;
}

function printAddon(a: AddonInfo): void {
  if (a.kind === 'lora') {
    console.log(`${a.path}\n  LoRA (${a.layout} layout; ${a.adapters.join(', ')}), ${a.modules.unet} UNet + ${a.modules.text} text-encoder modules${a.rank ? `, rank ${a.rank}` : ''}`);
    if (a.baseModel) console.log(`  made for ${a.baseModel}`);
    if (a.triggerWords.length) console.log(`  trigger words: ${a.triggerWords.join(', ')}`);
    if (a.unknownKeys) console.log(`  ${a.unknownKeys} keys that are not LoRA tensors`);
    console.log('  use: dato-studio generate --lora PATH[:WEIGHT[:TEXT_WEIGHT]]');
  } else if (a.kind === 'embedding') {
    console.log(`${a.path}\n  textual-inversion embedding "${a.trigger}": ${a.vectors} vector(s) of width ${a.width} (${a.madeFor ? MODEL_FAMILY_LABELS[a.madeFor] : 'not an SD 1.x or 2.x width'})`);
  } else {
    console.log(`${a.path}\n  VAE (${a.layout} layout, ${a.tensors} tensors)\n  use: dato-studio generate --vae PATH`);
  }
}
