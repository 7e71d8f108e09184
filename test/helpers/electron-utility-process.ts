// A stand-in for Electron's `utilityProcess` module where no Electron binary can run, faithful to what the
// engine relies on (Electron lib/browser/api/utility-process.ts and shell/browser/api/
// electron_api_utility_process.cc, docs/api/utility-process.md and parent-port.md):
// - fork(modulePath, args, options) validates its options as Electron does; `env` must map strings to strings
//   ("Invalid value for env" otherwise) and, when given, is the child's whole environment;
// - messages are structured clones (V8 serialisation: typed arrays arrive as typed arrays); the parent's
//   'message' event carries the data itself, the child's process.parentPort 'message' event { data, ports };
// - the child has process.parentPort and no process.send;
// - kill() ends the process gracefully (SIGTERM, reaped with SIGKILL after 2 s) and 'exit' then reports 0;
//   otherwise 'exit' reports the exit code (or the signal number).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { join } from 'node:path';

const CHILD_BOOTSTRAP = join(__dirname, 'utility-process-child.cjs');

export interface StandInForkOptions {
  env?: unknown;
  execArgv?: unknown;
  serviceName?: unknown;
  cwd?: unknown;
  stdio?: unknown;
}

/** Electron's env conversion (gin std::map<std::string, std::string>): strings only. */
function environment(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return undefined;
  if (typeof env !== 'object') throw new TypeError('Invalid value for env');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw new TypeError('Invalid value for env');
    out[key] = value;
  }
  return out;
}

function stdioOf(stdio: unknown): ('ignore' | 'inherit' | 'pipe')[] {
  if (stdio === undefined) return ['ignore', 'inherit', 'inherit'];
  if (stdio === 'inherit' || stdio === 'ignore' || stdio === 'pipe') return ['ignore', stdio, stdio];
  if (typeof stdio === 'string') throw new Error('stdio must be of the following values: inherit, pipe, ignore');
  if (!Array.isArray(stdio) || stdio.length < 3) throw new Error('configuration missing for stdin, stdout or stderr.');
  if (stdio[0] !== 'ignore') throw new Error('stdin value other than ignore is not supported.');
  return stdio.slice(0, 3) as ('ignore' | 'inherit' | 'pipe')[];
}

export class StandInUtilityProcess extends EventEmitter {
  private child: ChildProcess | null;
  private killed = false;

  constructor(modulePath: string, args: string[] = [], options: StandInForkOptions = {}) {
    super();
    if (!modulePath) throw new Error('Missing UtilityProcess entry script.');
    if (options.execArgv != null && !Array.isArray(options.execArgv)) throw new Error('execArgv must be an array of strings.');
    if (options.serviceName != null && typeof options.serviceName !== 'string') throw new Error('serviceName must be a string.');
    if (options.cwd != null && typeof options.cwd !== 'string') throw new Error('cwd path must be a string.');
    const env = environment(options.env);
    const stdio = stdioOf(options.stdio);
    // An empty env map means "inherit" in Electron (clear_environment only when the map is non-empty).
    const childEnv = env && Object.keys(env).length > 0 ? env : process.env;
    this.child = fork(CHILD_BOOTSTRAP, [modulePath, ...args], {
      env: childEnv, serialization: 'advanced', execArgv: (options.execArgv as string[] | undefined) ?? [],
      ...(typeof options.cwd === 'string' ? { cwd: options.cwd } : {}),
      stdio: [stdio[0], stdio[1], stdio[2], 'ipc'],
    });
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code, signal) => {
      this.child = null;
      const signalNumber = signal ? constants.signals[signal] : undefined;
      this.emit('exit', this.killed ? 0 : code ?? signalNumber ?? 0);
    });
  }

  get pid(): number | undefined { return this.child?.pid; }

  postMessage(message: unknown): void {
    // Electron drops messages once the child is gone; it never throws for that.
    if (this.child?.connected) this.child.send(message as never);
  }

  kill(): boolean {
    const child = this.child;
    if (!child) return false;
    const ok = child.kill('SIGTERM');
    this.killed = ok;
    const reap = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => clearTimeout(reap));
    return ok;
  }
}

/** `utilityProcess` as the app imports it from 'electron'. */
export const standInUtilityProcess = {
  fork: (modulePath: string, args?: string[], options?: StandInForkOptions) => new StandInUtilityProcess(modulePath, args, options),
};
