#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here, else web mode. The Electron binary is downloaded
// on first use, which offline build machines cannot do; then this says so in one line and serves the same
// UI on 127.0.0.1 instead (the printed link opens it in any browser).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * The Electron binary's path, or why there is none. Read from node_modules/electron/path.txt directly:
 * `require('electron')` would try to download a missing binary, which must not happen here.
 */
function electronBinary() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'no display' };
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const pathFile = join(pkgDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const path = executable && join(dist, executable);
  if (path && existsSync(path)) return { path };
  return { reason: 'its binary has not been downloaded, and this machine cannot download it' };
}

function ensureBuilt(outputs) {
  if (outputs.every((f) => existsSync(join(root, 'dist', f)))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const passThrough = process.argv.slice(2);
const electron = electronBinary();
if (electron.path) {
  ensureBuilt(['main.js', 'preload.js', 'engine-worker.js', 'renderer/index.html']);
  run(electron.path, [join(root, 'dist', 'main.js'), ...passThrough]);
} else {
  console.log(`Electron is not available here (${electron.reason}); starting web mode instead`);
  ensureBuilt(['web.js', 'engine-worker.js', 'renderer/index.html']);
  run(process.execPath, [join(root, 'dist', 'web.js'), ...passThrough]);
}
