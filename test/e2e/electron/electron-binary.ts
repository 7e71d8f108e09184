// Where the Electron binary is, without ever downloading it (`require('electron')` would try to, and this
// build machine cannot): node_modules/electron/path.txt names the executable under its dist/ folder.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function electronBinary(): { path: string } | { reason: string } {
  const require = createRequire(__filename);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const path = executable && join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist'), executable);
  if (path && existsSync(path)) return { path };
  return { reason: 'the Electron binary has not been downloaded (node_modules/electron/dist is missing)' };
}
