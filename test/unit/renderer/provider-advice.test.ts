// The plain-words summary of a provider probe failure: the real runtime messages seen on Linux x64.
import { describe, expect, it } from 'vitest';
import { adviseProvider } from '../../../renderer/src/lib/provider-advice';

describe('adviseProvider', () => {
  it('tells a missing CUDA library to run install:cuda', () => {
    const advice = adviseProvider('cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library', 'linux');
    expect(advice.problem).toMatch(/CUDA libraries/);
    expect(advice.fix).toContain('npm run install:cuda');
  });

  it('tells a WebGPU adapter failure on Linux that the Vulkan driver is missing', () => {
    const reason = 'webgpu_context.cc:136 adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters';
    const advice = adviseProvider('webgpu', reason, 'linux');
    expect(advice.problem).toMatch(/Vulkan driver is missing/);
    expect(advice.fix).toMatch(/libvulkan1/);
    expect(adviseProvider('webgpu', reason, 'win32').problem).not.toMatch(/Vulkan/);
  });

  it('says when a provider does not exist on this OS, and falls back to a plain line', () => {
    expect(adviseProvider('dml', 'The DML execution provider does not exist for linux-x64. Choose Auto or CPU.', 'linux').fix).toBe('Choose Automatic or CPU.');
    expect(adviseProvider('cuda', 'something new', 'linux')).toEqual({ problem: 'CUDA (NVIDIA) could not start.', fix: null });
  });
});
