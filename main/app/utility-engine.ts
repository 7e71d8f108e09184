// The engine in an Electron utilityProcess (E-10, G-01): a Node child launched through Chromium's service
// machinery, talking over its parent port with structured clone (typed arrays intact). engine-worker.ts
// already listens on process.parentPort. Killing it fails the running job as 'engine-crashed'; the Engine
// host starts a fresh one for the next job.
// Electron's own ForkOptions types `env` as an empty interface, which accepts any object (an object once
// reached the environment this way and the engine could not start); the narrow types below admit only what
// Electron really accepts, and main/index.ts passes Electron's `utilityProcess` where one of them is expected.
// test/integration/app/utility-engine.test.ts runs this adapter against a stand-in with Electron's semantics.
import { engineEnv, engineExecArgv, type EngineEnv, type EngineSpawner, type HostMessage, type WorkerMessage } from '../engine/index';

export interface UtilityForkOptions {
  readonly serviceName: string;
  readonly stdio: 'inherit' | 'ignore' | 'pipe';
  /** Replaces the child's whole environment (Electron inherits nothing once `env` is given). */
  readonly env: EngineEnv;
  /** Node/V8 options for the child (the checker's heap limit). */
  readonly execArgv: string[];
}

/** The part of Electron's UtilityProcess the engine uses. */
export interface UtilityChild {
  postMessage(message: HostMessage): void;
  on(event: 'message', listener: (message: WorkerMessage) => void): unknown;
  /** Electron reports 0 after kill() (a requested shutdown), else the process's exit code. */
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
  readonly pid: number | undefined;
}

/** The part of Electron's `utilityProcess` module the engine uses. */
export interface UtilityProcessApi {
  fork(modulePath: string, args: string[], options: UtilityForkOptions): UtilityChild;
}

export function utilityProcessSpawner(utility: UtilityProcessApi, serviceName: string): EngineSpawner {
  return (script, opts) => {
    const child = utility.fork(script, [], { serviceName, stdio: 'inherit', env: engineEnv(opts), execArgv: engineExecArgv(opts) });
    return {
      pid: child.pid,
      post: (m) => child.postMessage(m),
      onMessage: (h) => child.on('message', (m) => h(m)),
      onExit: (h) => child.on('exit', (code) => h(`the engine process exited with code ${code}`)),
      kill: () => void child.kill(),
    };
  };
}
