// Where the app keeps its data: one folder holding the library database, the default image folder and the
// copies of uploaded models. Default: $DATO_STUDIO_HOME, else ~/.config/dato-studio (Linux; the same folder
// Electron's userData resolves to there), %APPDATA%\dato-studio (Windows), ~/Library/Application Support
// (macOS). The Electron app passes app.getPath('userData').
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StudioPaths {
  readonly dataDir: string;
  readonly defaultOutputDir: string;
  /** Uploaded model files (web mode) live here; removing such a model deletes its file. */
  readonly modelsDir: string;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DATO_STUDIO_HOME) return resolve(env.DATO_STUDIO_HOME);
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'dato-studio');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'dato-studio');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'dato-studio');
}

export function studioPaths(dataDir: string): StudioPaths {
  const dir = resolve(dataDir);
  return { dataDir: dir, defaultOutputDir: join(dir, 'images'), modelsDir: join(dir, 'models') };
}
