// Session options per execution provider, and creation of a session for one of our graphs whose weights
// live in the user's checkpoint (external data resolved relative to `weightsRoot`).
import * as ort from 'onnxruntime-node';
import os from 'node:os';

import type { ProviderName } from '../../../preload/contract/vocabulary';

export type { ProviderName };

// onnxruntime prints its own errors to stderr (e.g. "Failed to load library …providers_cuda.so" while auto
// selection probes CUDA) before throwing them; every failure reaches the user as a thrown, explained error,
// so only fatal logs stay on. DATO_ORT_LOG=verbose|info|warning|error brings them back for debugging.
ort.env.logLevel = (process.env.DATO_ORT_LOG as typeof ort.env.logLevel | undefined) ?? 'fatal';

export interface RuntimeConfig {
  readonly provider: ProviderName;
  /** CPU threads for intra-op parallelism; default: every core. */
  readonly threads?: number;
  /** Fail at creation instead of silently running unsupported nodes on the CPU (tests of GPU graphs). */
  readonly disableCpuFallback?: boolean;
  /** Only fatal runtime logs (provider probes fail on purpose; their reason is reported, not logged). */
  readonly quiet?: boolean;
  /** Write onnxruntime's per-node trace to `<prefix>_<date>.json` (bench:segments --profile). */
  readonly profileFilePrefix?: string;
}

export interface SessionExtras {
  /**
   * Outputs to leave on the GPU (WebGPU only: the one provider whose node binding can keep results in
   * device memory and feed them to the next session). Read results must stay on the CPU: reading a
   * gpu-buffer tensor aborts the process in onnxruntime-node 1.30.
   */
  readonly deviceOutputs?: readonly string[];
}

export function sessionOptions(config: RuntimeConfig, weightsRoot: string | undefined, extras: SessionExtras = {}): ort.InferenceSession.SessionOptions {
  const session: Record<string, string> = {};
  if (weightsRoot) session.model_external_initializers_file_folder_path = weightsRoot;
  if (config.disableCpuFallback) session.disable_cpu_ep_fallback = '1';
  // Spinning worker threads help only on an otherwise idle machine; next to a UI, a browser or a second
  // engine they turn a 40 ms demo-model step into 200 ms. Waiting threads sleep instead.
  session['intra_op.allow_spinning'] = '0';
  const providers: ort.InferenceSession.ExecutionProviderConfig[] = config.provider === 'cpu'
    ? ['cpu']
    : config.provider === 'webgpu'
      // 'simple' caching: static-shape graphs reuse exact buffers (−27% peak memory, onnxruntime#29016)
      ? [{ name: 'webgpu', storageBufferCacheMode: 'simple' } as ort.InferenceSession.ExecutionProviderConfig]
      : [config.provider === 'dml' ? 'dml' : 'cuda'];
  return {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: config.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    // The CPU arena grows by doubling and never shrinks: at 512² it held 1.3 GB more than malloc does, at
    // no measurable speed difference.
    enableCpuMemArena: false,
    enableMemPattern: true,
    extra: { session },
    ...(config.quiet ? { logSeverityLevel: 4 as const } : {}),
    ...(config.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: config.profileFilePrefix } : {}),
    ...(config.provider === 'webgpu' && extras.deviceOutputs?.length
      ? { preferredOutputLocation: Object.fromEntries(extras.deviceOutputs.map((n) => [n, 'gpu-buffer' as const])) } : {}),
  };
}

export async function createSession(model: Uint8Array, weightsRoot: string | undefined, config: RuntimeConfig, extras: SessionExtras = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, sessionOptions(config, weightsRoot, extras));
}
