// `dato-studio info`: the architecture detected in a checkpoint, or why it cannot be used.
import { Engine, INSPECTION_LIMITS, spawnProcess } from '../engine/index';
import { parseFlags } from './args';
import { modelFromFlags } from './generate';

export const INFO_USAGE = `usage: dato-studio info [--model PATH] [--json]   the architecture detected in a model`;

export async function runInfo(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { model: 'string', json: 'boolean' });
  // Checked in a process of its own under the checker's time and memory bounds, as in the app.
  const checker = new Engine({ spawn: spawnProcess, keepSessions: false, inspection: INSPECTION_LIMITS });
  let info;
  try {
    info = await checker.inspect(modelFromFlags(f).path);
  } finally {
    await checker.close();
  }
  for (const notice of info.notices) console.error(`dato-studio: ${notice}`);
  if (f.json === true) { console.log(JSON.stringify(info)); return 0; }
  const m = (n: number): string => `${(n / 1e6).toFixed(1)}M`;
  console.log(`${info.path}\n  Stable Diffusion 1.x (${info.kind}), ${(info.sizeBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  UNet ${m(info.parameters.unet)} params, ${info.unet.modelChannels} channels, ${info.unet.levels} levels, context ${info.unet.contextDim}`);
  console.log(`  text encoder ${m(info.parameters.text)} params, width ${info.text.width}, ${info.text.layers} layers; VAE ${m(info.parameters.vae)} params`);
  console.log(`  native size ${info.nativeSize}×${info.nativeSize}`);
  return 0;
}
