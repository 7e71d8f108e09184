// `dato-studio info`: the architecture detected in a checkpoint, or why it cannot be used.
import { resolve } from 'node:path';
import { inspectModel } from '../engine/engine-service';
import { resolveResources } from '../engine/resources';
import { parseFlags } from './args';

export async function runInfo(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { model: 'string', json: 'boolean' });
  const info = await inspectModel(resolve(String(f.model ?? resolveResources().demoModel)));
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
