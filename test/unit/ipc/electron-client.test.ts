// The renderer's Electron client: Result envelopes from window.studio become values or ApiError throws,
// images are addressed through the image scheme, dropped files go through their path.
import { describe, expect, it } from 'vitest';
import { ApiError, createElectronClient } from '../../../renderer/src/lib/api';
import type { StudioBridge } from '../../../preload/contract';

function bridge(calls: unknown[]): StudioBridge {
  const ok = (value: unknown) => async (args: unknown) => { calls.push(args); return { ok: true, value }; };
  return {
    models: {
      list: ok([{ id: 1 }]),
      importPath: ok({ id: 2 }),
      setDefault: async () => ({ ok: false, error: { code: 'not-found', message: 'This model does not exist.' } }),
    },
    pathForFile: () => '/home/me/model.safetensors',
    images: { readParameters: ok({ source: 'a1111' }) },
    onJobEvent: (listener: (e: unknown) => void) => { listener({ type: 'job' }); return () => undefined; },
  } as unknown as StudioBridge;
}

describe('createElectronClient', () => {
  it('unwraps values, throws ApiError, builds image URLs and imports dropped files by path', async () => {
    const calls: unknown[] = [];
    const api = createElectronClient(bridge(calls));
    expect(api.shell).toBe('electron');
    expect(await api.models.list()).toEqual([{ id: 1 }]);
    const err = await api.models.setDefault({ modelId: 9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found', message: 'This model does not exist.' });
    expect(api.imageUrl(5, 'thumb')).toBe('studio-image://image/5/thumb');
    expect(await api.importDroppedModel({} as File)).toEqual({ id: 2 });
    expect(calls).toEqual([{}, { path: '/home/me/model.safetensors' }]);
    const seen: unknown[] = [];
    api.onJobEvent((e) => seen.push(e));
    expect(seen).toEqual([{ type: 'job' }]);
  });

  it('reads a dropped image\'s parameters by path, and says so when the image is not a file on disk', async () => {
    const calls: unknown[] = [];
    const b = bridge(calls);
    expect(await createElectronClient(b).readImageParameters({} as File)).toEqual({ source: 'a1111' });
    expect(calls).toEqual([{ path: '/home/me/model.safetensors' }]);
    const pasted = createElectronClient({ ...b, pathForFile: () => '' } as StudioBridge);
    await expect(pasted.readImageParameters({} as File)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/not a file on disk/) });
  });
});
