// Where the engine keeps what it can rebuild (float32 weight copies): $DATO_CACHE_DIR, else the
// platform's per-user cache folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(): string {
  if (process.env.DATO_CACHE_DIR) return process.env.DATO_CACHE_DIR;
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'dato-studio', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'dato-studio');
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dato-studio');
}
