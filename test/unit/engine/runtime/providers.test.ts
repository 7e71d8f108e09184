import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { candidateProviders, describeSelection, reasonOf, selectProvider } from '../../../../main/engine/runtime/provider-choice';
import { probeProvider } from '../../../../main/engine/runtime/providers';
import type { ProviderName } from '../../../../main/engine/runtime/session-options';
import { sessionOptions } from '../../../../main/engine/runtime/session-options';

/** A probe that succeeds only for the listed providers, failing the rest like the runtime does. */
const probeOnly = (ok: ProviderName[]) => async (p: ProviderName): Promise<void> => {
  if (!ok.includes(p)) throw new Error(`${p}: Failed to load shared library libonnxruntime_providers_${p}.so`);
};

describe('candidateProviders', () => {
  it('orders CUDA → DirectML → WebGPU → CPU where each exists', () => {
    expect(candidateProviders('linux', 'x64')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(candidateProviders('win32', 'x64')).toEqual(['dml', 'webgpu', 'cpu']);
    expect(candidateProviders('darwin', 'arm64')).toEqual(['webgpu', 'cpu']);
    expect(candidateProviders('linux', 'arm64')).toEqual(['cpu']);
  });
});

describe('selectProvider', () => {
  it('auto takes the first provider that starts and records why the others did not', async () => {
    const sel = await selectProvider('auto', probeOnly(['webgpu', 'cpu']), ['cuda', 'webgpu', 'cpu']);
    expect(sel.provider).toBe('webgpu');
    expect(sel.attempts.map((a) => [a.provider, a.ok])).toEqual([['cuda', false], ['webgpu', true]]);
    expect(describeSelection(sel)).toMatch(/Running on WEBGPU; CUDA unavailable \(cuda: Failed to load/);
  });

  it('auto falls back to the CPU', async () => {
    const sel = await selectProvider('auto', probeOnly(['cpu']), ['cuda', 'webgpu', 'cpu']);
    expect(sel.provider).toBe('cpu');
    expect(sel.attempts.filter((a) => !a.ok).map((a) => a.provider)).toEqual(['cuda', 'webgpu']);
  });

  it('a forced provider that cannot start is an error, never a silent CPU run', async () => {
    const err = await selectProvider('cuda', probeOnly(['cpu']), ['cuda', 'webgpu', 'cpu']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('provider-unavailable');
    expect((err as EngineError).message).toMatch(/CUDA execution provider could not start/);
  });

  it('a provider this platform cannot have is refused by name', async () => {
    const err = await selectProvider('dml', probeOnly(['cpu']), ['cuda', 'webgpu', 'cpu']).catch((e: unknown) => e);
    expect((err as EngineError).message).toMatch(/does not exist/);
  });

  it('the real CPU provider starts here', async () => {
    await expect(probeProvider('cpu')).resolves.toBeUndefined();
  });
});

describe('sessionOptions', () => {
  it('keeps requested outputs on the device only for WebGPU', () => {
    const gpu = sessionOptions({ provider: 'webgpu' }, undefined, { deviceOutputs: ['h_out', 'skip_0'] });
    expect(gpu.preferredOutputLocation).toEqual({ h_out: 'gpu-buffer', skip_0: 'gpu-buffer' });
    expect(sessionOptions({ provider: 'cuda' }, undefined, { deviceOutputs: ['h_out'] }).preferredOutputLocation).toBeUndefined();
    expect(sessionOptions({ provider: 'cpu' }, '/m').extra).toMatchObject({ session: { model_external_initializers_file_folder_path: '/m' } });
  });
});

describe('reasonOf', () => {
  it('keeps the first line and never cuts a long one mid-word', () => {
    const long = `${'word '.repeat(100)}tail`;
    const reason = reasonOf(new Error(`${long}\nsecond line`));
    expect(reason.endsWith('word…')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(401);
    expect(reasonOf(new Error('short reason\nmore'))).toBe('short reason');
  });
});
