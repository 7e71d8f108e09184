// Where tests find the project root, the shared reference data and the shipped resources.
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const sharedDir = resolve(process.env.DATO_SHARED_DIR ?? resolve(repoRoot, '..', 'shared'));
export const tinyRefDir = resolve(sharedDir, 'reference', 'tiny-sd1');
export const demoModelDir = resolve(repoRoot, 'resources', 'models', 'demo-shapes-sd1');
export const clipBpePath = resolve(repoRoot, 'resources', 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');
export const artifactsDir = resolve(repoRoot, 'test', 'artifacts');
export const testCacheDir = resolve(repoRoot, '.cache', 'test');
export const tinySd2RefDir = resolve(sharedDir, 'reference', 'tiny-sd2');
