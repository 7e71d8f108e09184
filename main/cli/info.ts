// `dato-studio info`: the architecture detected in a checkpoint, or why it cannot be used.
import { resolve } from 'node:path';
import { Engine, INSPECTION_LIMITS, resolveResources, spawnProcess } from '../engine/index';
import { parseFlags } from './args';

export async function runInfo(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { model: 'string', json: 'boolean' });
  // Checked in a process of its own under the checker's time and memory bounds, as in the app.
  const checker = new Engine({ spawn: spawnProcess, keepSessions: false, inspection: INSPECTION_LIMITS });
  let info;
  try {
    info = await checker.inspect(resolve(String(f.model ?? resolveResources().demoModel)));
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
