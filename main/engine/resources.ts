// Where the shipped assets are: the bundled CLIP vocabulary and the embedded demo model. In a packaged
// app they sit in `process.resourcesPath` (electron-builder extraResources); in a checkout, in resources/.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Resources {
  readonly dir: string;
  readonly clipVocab: string;
  readonly demoModel: string;
}

function findUp(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'resources', 'clip-bpe'))) return join(dir, 'resources');
    if (dirname(dir) === dir) return undefined;
  }
}

export function resolveResources(): Resources {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const dir = process.env.DATO_RESOURCES_DIR
    ?? (packaged && existsSync(join(packaged, 'clip-bpe')) ? packaged : undefined)
    ?? findUp(__dirname)
    ?? findUp(process.cwd());
  if (!dir) {
    throw new Error('DaTo Studio cannot find its resources (clip-bpe vocabulary, demo model). Run `npm run prepare:resources` or set DATO_RESOURCES_DIR.');
  }
  return {
    dir,
    clipVocab: join(dir, 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz'),
    demoModel: join(dir, 'models', 'demo-shapes-sd1', 'model.safetensors'),
  };
}
