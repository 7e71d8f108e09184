#!/usr/bin/env node
// Opt-in CUDA support: onnxruntime-node's own installer downloads its CUDA 12 provider libraries
// (Microsoft.ML.OnnxRuntime.Gpu.Linux from nuget.org) into node_modules/onnxruntime-node/bin/. It needs the
// internet, Linux x64, and on the machine CUDA 12 + cuDNN 9 runtime libraries. The default install skips it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`install:cuda: onnxruntime-node ships CUDA support for Linux x64 only (this is ${process.platform}-${process.arch}).`);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const script = join(dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
const r = spawnSync(process.execPath, [script], { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' } });
if (r.status === 0) console.log('install:cuda: done. Choose "CUDA" (or Auto) in Settings, or pass --ep cuda to the CLI.');
process.exit(r.status ?? 1);
