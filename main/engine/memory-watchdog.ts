// The OS-level half of the model checker's memory cap: V8's --max-old-space-size bounds the JS heap, but
// native allocations (Buffers, a runaway read) are outside it. A watchdog thread samples the process's
// resident set while a check is running and kills the whole process past the cap. It runs on its own thread
// because the engine's thread may be blocked in one long synchronous call while the memory grows; the host
// sees the exit and refuses the file (engine-host.ts). Cross-platform, unlike RLIMIT_AS (which V8's
// address-space reservations also trip over). Armed only during checks: the same process also runs the
// provider probes, whose runtime sessions legitimately need more.
import { Worker } from 'node:worker_threads';

const SAMPLE_MS = 10;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const armed = new Int32Array(workerData.armed);
setInterval(() => {
  if (Atomics.load(armed, 0) === 1 && process.memoryUsage.rss() > workerData.capBytes) process.kill(process.pid, 'SIGKILL');
}, workerData.sampleMs);
`;

export interface MemoryWatchdog {
  arm(): void;
  disarm(): void;
}

export function startMemoryWatchdog(capMb: number): MemoryWatchdog {
  const armed = new Int32Array(new SharedArrayBuffer(4));
  const watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { armed: armed.buffer, capBytes: capMb * 2 ** 20, sampleMs: SAMPLE_MS } });
  watchdog.unref();
  return { arm: () => Atomics.store(armed, 0, 1), disarm: () => Atomics.store(armed, 0, 0) };
}
