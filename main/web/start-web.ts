// `npm run web` (dist/web.js): the app without Electron. Opens the library in the data folder, starts the
// engine in a child process, serves the UI on 127.0.0.1 and prints the one link that works (it carries the
// session token in its #fragment, which browsers never send to the server).
//   node dist/web.js [--port N] [--data-dir DIR] [--allow-host NAME]... [--allow-origin http://127.0.0.1:PORT]...
import { join, resolve } from 'node:path';
import { Engine, INSPECTION_LIMITS, spawnProcess } from '../engine/index';
import { defaultDataDir } from '../services/studio-paths';
import { DatabaseError } from '../db/errors';
import { openStudio, type Studio } from '../services/studio';
import { startRecoveryServer } from './recovery-server';
import { startWebServer } from './web-server';

interface WebArgs { port: number; dataDir: string; allowHosts: string[]; allowOrigins: string[] }

/** Only loopback origins can be added (a UI dev server on this machine). */
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

export function parseWebArgs(argv: readonly string[]): WebArgs {
  const args: WebArgs = { port: 0, dataDir: defaultDataDir(), allowHosts: [], allowOrigins: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      throw new Error('usage: node dist/web.js [--port N] [--data-dir DIR] [--allow-host NAME]... [--allow-origin http://127.0.0.1:PORT]...');
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--port' && /^\d{1,5}$/.test(value) && Number(value) <= 65535) args.port = Number(value);
    else if (flag === '--data-dir') args.dataDir = resolve(value);
    else if (flag === '--allow-host' && /^[A-Za-z0-9.-]{1,253}$/.test(value)) args.allowHosts.push(value.toLowerCase());
    else if (flag === '--allow-origin' && LOOPBACK_ORIGIN.test(value)) args.allowOrigins.push(value.toLowerCase());
    else throw new Error(`unknown or invalid option: ${flag} ${value}`);
    i++;
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseWebArgs(process.argv.slice(2));
  const open = (): Promise<Studio> => openStudio({
    dataDir: args.dataDir, shell: 'web',
    engine: new Engine({ spawn: spawnProcess }), inspector: new Engine({ spawn: spawnProcess, inspection: INSPECTION_LIMITS }),
  });
  let studio: Studio;
  let port = args.port;
  let token: string | undefined;
  try {
    studio = await open();
  } catch (err) {
    if (!(err instanceof DatabaseError) || err.code !== 'database-corrupt') throw err;
    // A damaged library: the same link serves a page that offers the last good backup, then the app.
    const recovery = await startRecoveryServer({
      dataDir: args.dataDir, problem: err.message, port, allowedHostNames: args.allowHosts, allowedOrigins: args.allowOrigins,
    });
    console.log(`DaTo Studio (web mode): the library in ${args.dataDir} is damaged. ${err.message}`);
    console.log('Open this link in a browser on this machine to restore the last good backup (it contains the session key; do not share it):');
    console.log(`  ${recovery.url}`);
    await recovery.restored;
    await recovery.close();
    ({ port, token } = recovery);
    studio = await open();
  }
  const server = await startWebServer({
    studio, rendererDir: join(__dirname, 'renderer'), port, allowedHostNames: args.allowHosts, allowedOrigins: args.allowOrigins,
    ...(token ? { token } : {}),
  });
  console.log(`DaTo Studio (web mode), library: ${studio.paths.dataDir}`);
  console.log('Open this link in a browser on this machine (it contains the session key; do not share it):');
  console.log(`  ${server.url}`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void server.close().then(() => studio.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`DaTo Studio could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
