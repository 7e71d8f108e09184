#!/usr/bin/env node
// Copies the assets the app ships but the repository does not commit into resources/:
//  - the CLIP BPE vocabulary (MIT, OpenAI: github.com/openai/CLIP, see resources/clip-bpe/SOURCE-COMMIT)
//  - the embedded default model `demo-shapes-sd1` (a small trained SD1-architecture model)
// Source: the project's shared folder (`../shared` beside the checkout, or $DATO_SHARED_DIR).
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.DATO_SHARED_DIR ?? join(root, '..', 'shared'));

const assets = [
  { from: join(shared, 'data', 'clip-bpe'), to: join(root, 'resources', 'clip-bpe') },
  { from: join(shared, 'models', 'demo-shapes-sd1'), to: join(root, 'resources', 'models', 'demo-shapes-sd1') },
];

for (const { from, to } of assets) {
  if (!existsSync(from)) {
    if (existsSync(to)) continue; // already prepared (e.g. an unpacked release)
    console.error(`prepare-resources: ${from} is missing. Set DATO_SHARED_DIR to the folder that holds data/clip-bpe and models/demo-shapes-sd1.`);
    process.exit(1);
  }
  const upToDate = existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs;
  if (upToDate) continue;
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
  console.log(`prepare-resources: ${from} -> ${to}`);
}
