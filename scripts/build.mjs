#!/usr/bin/env node
// Bundles the Node side with esbuild (CLI, engine worker, Electron main + preload, web-mode server) and the
// renderer with Vite. Native modules stay external: they are loaded from node_modules (or app.asar.unpacked).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

const external = ['onnxruntime-node', 'better-sqlite3', 'sharp', 'electron', 'playwright-core'];
const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', external, logLevel: 'warning' };

const entries = [
  { name: 'cli', entry: 'main/cli/index.ts', out: 'dist/cli.js' },
  { name: 'engine-worker', entry: 'main/engine/engine-worker.ts', out: 'dist/engine-worker.js' },
  { name: 'main', entry: 'main/index.ts', out: 'dist/main.js' },
  { name: 'web', entry: 'main/web/start-web.ts', out: 'dist/web.js' },
  { name: 'preload', entry: 'preload/index.ts', out: 'dist/preload.js' },
  { name: 'bench', entry: 'bench/run.ts', out: 'dist/bench.js' },
  { name: 'bench-segments', entry: 'bench/segments.ts', out: 'dist/bench-segments.js' },
];

for (const e of entries) {
  if (only.length && !only.includes(e.name)) continue;
  if (!existsSync(join(root, e.entry))) continue;
  await build({ ...node, entryPoints: [join(root, e.entry)], outfile: join(root, e.out) });
}

if ((!only.length || only.includes('renderer')) && existsSync(join(root, 'renderer', 'vite.config.mts'))) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'renderer', 'vite.config.mts'), logLevel: 'warn' });
}
