// Starts the real app in web mode (`node dist/web.js`: real engine, real SQLite library, embedded demo
// model) on a data folder, and stops it. The server prints one link with the session token; that link is
// what a user opens, so the tests open it too.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './artifacts';

export interface WebApp {
  /** `http://127.0.0.1:PORT/#token=HEX` */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  /** Everything the server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const LINK = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([0-9a-f]{64})/;
const START_TIMEOUT_MS = 60_000;

const created: string[] = [];

/** A fresh temporary folder (removed by removeDataDirs()). */
export function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dato-e2e-'));
  created.push(dir);
  return dir;
}

/** Deletes the folders newDataDir() made in this test file (call after the servers have stopped). */
export function removeDataDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function startWebApp(dataDir: string = newDataDir()): Promise<WebApp> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'web.js'), '--port', '0', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const link = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not print its link within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = LINK.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited (code ${code}) before printing its link:\n${log}`));
    });
  });
  return {
    url: link[0],
    origin: link[1]!,
    token: link[2]!,
    dataDir,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
