// StudioApi in the Electron window: over `window.studio` (the preload's bridge), unwrapping Result envelopes
// (errors do not cross contextBridge with their fields, so main returns them as values).
import { imageSchemeUrl, type MethodName, type ModelDto, type Result, type StudioApi, type StudioBridge } from '../../../../preload/contract';
import { unwrap } from './api-error';
import { buildApi } from './build-api';

export function createElectronClient(bridge: StudioBridge): StudioApi {
  const invoke = (method: MethodName, args: unknown): Promise<unknown> => {
    const [ns, fn] = method.split('.') as [string, string];
    const group = (bridge as unknown as Record<string, Record<string, (a: unknown) => Promise<Result<unknown>>>>)[ns]!;
    return group[fn]!(args).then(unwrap);
  };
  return buildApi({
    shell: 'electron',
    call: invoke,
    subscribe: (event, listener) => bridge[event](listener as never),
    imageUrl: imageSchemeUrl,
    importDroppedModel: async (file) => invoke('models.importPath', { path: bridge.pathForFile(file) }) as Promise<ModelDto>,
  });
}
