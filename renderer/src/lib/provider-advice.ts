// A provider probe's failure in plain words with what to do about it. The runtime's own text (file names,
// C++ source lines) is kept for the "details" toggle; this is the line a user reads first.
import type { ProviderName } from '../../../preload/contract';

export interface ProviderAdvice {
  /** What is wrong, in words a user knows. */
  readonly problem: string;
  /** What to do about it, or null when there is nothing specific to suggest. */
  readonly fix: string | null;
}

export const PROVIDER_LABELS: Record<ProviderName | 'auto', string> = {
  auto: 'Automatic', cuda: 'CUDA (NVIDIA)', dml: 'DirectML (Windows)', webgpu: 'WebGPU', cpu: 'CPU',
};

const MISSING_LIBRARY = /failed to load shared library|cannot open shared object|libonnxruntime_providers_cuda|error loading .*\.(so|dll)/i;

export function adviseProvider(provider: ProviderName, reason: string, platform: string): ProviderAdvice {
  if (/does not exist for/i.test(reason)) {
    return { problem: `${PROVIDER_LABELS[provider]} does not exist on this operating system.`, fix: 'Choose Automatic or CPU.' };
  }
  switch (provider) {
    case 'cuda':
      if (MISSING_LIBRARY.test(reason)) {
        return {
          problem: 'The CUDA libraries of the runtime are not installed (they are an optional download).',
          fix: 'Run npm run install:cuda (needs an NVIDIA GPU with CUDA 12 and cuDNN 9), restart, then Detect again.',
        };
      }
      if (/no cuda-capable device|cudaErrorNoDevice|driver/i.test(reason)) {
        return { problem: 'No NVIDIA GPU with a working driver was found.', fix: 'Install or update the NVIDIA driver (CUDA 12), or use another provider.' };
      }
      break;
    case 'webgpu':
      if (/vulkan|adapter/i.test(reason)) {
        return {
          problem: platform === 'linux' ? 'No GPU adapter for WebGPU: the Vulkan driver is missing.' : 'No GPU adapter for WebGPU was found.',
          fix: platform === 'linux'
            ? "Install libvulkan1 and your GPU's Vulkan driver (Mesa, or NVIDIA's); on a headless NVIDIA machine set VK_DRIVER_FILES to the driver's nvidia_icd.json."
            : 'Update your GPU driver.',
        };
      }
      break;
    case 'dml':
      return { problem: 'DirectML could not start on this GPU.', fix: 'Update Windows and your GPU driver (DirectX 12 is required).' };
    case 'cpu':
      break;
  }
  return { problem: `${PROVIDER_LABELS[provider]} could not start.`, fix: null };
}
