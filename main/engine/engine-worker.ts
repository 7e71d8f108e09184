// Entry point of the engine thread/process. onnxruntime-node's session.run() blocks its JS thread for the
// whole run, so the engine never runs on the caller's thread. Works as a worker_threads worker (CLI,
// tests), a child_process.fork child (web mode) and an Electron utilityProcess (the desktop app); started
// with PROBE_FLAG it is the one-shot provider probe of providers.ts instead.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineService } from './engine-service';
import type { HostMessage, WorkerMessage } from './engine-protocol';
import { startMemoryWatchdog } from './memory-watchdog';
import { PROBE_FLAG, runProbeChild } from './runtime/providers';

interface Channel { post(m: WorkerMessage): void; listen(handler: (m: HostMessage) => void): void }

function channel(): Channel {
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), listen: (h) => port.on('message', h) };
  }
  const electronPort = (process as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', h: (ev: { data: HostMessage }) => void): void } }).parentPort;
  if (electronPort) {
    return { post: (m) => electronPort.postMessage(m), listen: (h) => electronPort.on('message', (ev) => h(ev.data)) };
  }
  if (process.send) {
    return { post: (m) => process.send!(m), listen: (h) => process.on('message', (m) => h(m as HostMessage)) };
  }
  throw new Error('engine-worker must be started as a worker thread or a child process');
}

const probeAt = parentPort ? -1 : process.argv.indexOf(PROBE_FLAG);
if (probeAt >= 0) void runProbeChild(process.argv[probeAt + 1] ?? '');
else startEngine();

function startEngine(): void {
  const ch = channel();
  // A process of its own (not a thread of the caller) with a memory cap: the model checker.
  const memoryCapMb = Number(process.env.DATO_MEMORY_CAP_MB);
  const watchdog = !parentPort && memoryCapMb > 0 ? startMemoryWatchdog(memoryCapMb) : undefined;
  const data = (workerData ?? {}) as { clipVocab?: string; cancelFlag?: SharedArrayBuffer; keepSessions?: boolean };
  const clipVocab = data.clipVocab ?? process.env.DATO_CLIP_VOCAB;
  if (!clipVocab) throw new Error('engine-worker: the CLIP vocabulary path is missing');
  const keepSessions = data.keepSessions ?? process.env.DATO_KEEP_SESSIONS !== '0';
  const service = new EngineService(clipVocab, (m) => ch.post(m), data.cancelFlag ? new Int32Array(data.cancelFlag) : undefined, keepSessions, watchdog, __filename);

  // Jobs run strictly one after another; cancel messages must not wait behind them.
  let queue: Promise<void> = Promise.resolve();
  ch.listen((msg) => {
    if (msg.type === 'cancel') { void service.handle(msg); return; }
    queue = queue.then(() => service.handle(msg));
    if (msg.type === 'shutdown') void queue.then(() => process.exit(0));
  });
  ch.post({ type: 'ready' });
}
