// The real provider probe: a one-node session on the provider, run once. See provider-choice.ts.
import { fork } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { Graph } from '../graph/graph';
import { add } from '../graph/ops/elementwise';
import { selectProvider, type ProviderChoice, type ProviderSelection } from './provider-choice';
import { createSession, type ProviderName } from './session-options';

/** Create and run a one-node graph on `provider`; throws with the runtime's reason if it cannot. */
export async function probeProvider(provider: ProviderName): Promise<void> {
  const g = new Graph({ name: 'probe', dtype: 'float32' });
  const x = g.input('x', 'float32', [1, 4]);
  g.output(add(x, x), 'y');
  const session = await createSession(g.serialize(), undefined, { provider, threads: 1, disableCpuFallback: provider !== 'cpu', quiet: true });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
    const y = out.y!.data as Float32Array;
    if (y[3] !== 8) throw new Error(`the provider computed ${y[3]} for 4 + 4`);
  } finally {
    await session.release();
  }
}

/** engine-worker.js started with this flag and a provider name runs one probe and exits (0: it works). */
export const PROBE_FLAG = '--probe-provider';
const PROBE_TIMEOUT_MS = 120_000;

/**
 * Probe a GPU provider in a short-lived child process running `script` (the engine worker). A provider that
 * cannot start often prints native warnings straight to the process's stderr (Dawn: "Couldn't load Vulkan:
 * libvulkan.so.1 …" when WebGPU has no driver), which no JS setting silences; in the child they are
 * captured and kept after the reason's first line instead of reaching the user's terminal.
 */
export function probeInChild(script: string, provider: ProviderName): Promise<void> {
  return new Promise((resolveProbe, reject) => {
    const child = fork(script, [PROBE_FLAG, provider], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, // the Electron binary acts as Node for the child
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) { resolveProbe(); return; }
      const reason = stdout.trim() || (signal ? `the probe was stopped (${signal})` : `the probe exited with code ${code}`);
      reject(new Error(stderr.trim() ? `${reason}\n${stderr.trim()}` : reason));
    });
  });
}

/** The child's side of probeInChild: its only stdout line is the reason the provider failed. */
export async function runProbeChild(provider: string): Promise<never> {
  try {
    await probeProvider(provider as ProviderName);
    process.exit(0);
  } catch (err) {
    process.stdout.write(`${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    process.exit(1);
  }
}

/**
 * Select a provider on this machine (probing with real sessions). With `probeScript` (the engine worker's
 * own file), GPU providers are probed in a child process (probeInChild); the CPU is probed here.
 */
export function selectProviderHere(choice: ProviderChoice, probeScript?: string): Promise<ProviderSelection> {
  return selectProvider(choice, (p) => (probeScript && p !== 'cpu' ? probeInChild(probeScript, p) : probeProvider(p)));
}
