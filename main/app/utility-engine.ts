// The engine in an Electron utilityProcess (E-10, G-01): a Node child launched through Chromium's service
// machinery, talking over its parent port with structured clone (typed arrays intact). engine-worker.ts
// already listens on process.parentPort. Killing it fails the running job as 'engine-crashed'; the Engine
// host starts a fresh one for the next job.
import { utilityProcess } from 'electron';
import type { EngineSpawner, HostMessage, WorkerMessage } from '../engine/index';

export function utilityProcessSpawner(serviceName: string): EngineSpawner {
  return (script, clipVocab) => {
    const child = utilityProcess.fork(script, [], {
      serviceName, stdio: 'inherit', env: { ...process.env, DATO_CLIP_VOCAB: clipVocab },
    });
    return {
      post: (m: HostMessage) => child.postMessage(m),
      onMessage: (h) => child.on('message', (m: WorkerMessage) => h(m)),
      onExit: (h) => child.on('exit', (code) => h(`the engine process exited with code ${code}`)),
      kill: () => void child.kill(),
    };
  };
}
