// StudioApi in the Electron window: over `window.studio` (the preload's bridge), unwrapping Result envelopes
// (errors do not cross contextBridge with their fields, so main returns them as values).
import {
  imageSchemeUrl, sourceSchemeUrl, type ImageParametersDto, type MethodName, type AddonDto, type ModelDto, type Result, type SourceImageDto,
  type StudioApi, type StudioBridge,
} from '../../../../preload/contract';
import { ApiError, unwrap } from './api-error';
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
    importDroppedAddon: async (file) => invoke('addons.importPath', { path: bridge.pathForFile(file) }) as Promise<AddonDto>,
    readImageParameters: async (file) => {
      const path = bridge.pathForFile(file);
      // a pasted screenshot or an image dragged from a browser has no file on disk to read
      if (!path) throw new ApiError('unavailable', 'This image is not a file on disk: save it, then drop the file on Generate.');
      return invoke('images.readParameters', { path }) as Promise<ImageParametersDto>;
    },
    // a painted mask or a pasted picture has no path: its bytes cross the IPC channel (structured clone)
    storeSourceImage: async (image, kind) =>
      invoke('images.storeSource', { bytes: new Uint8Array(await image.arrayBuffer()), kind }) as Promise<SourceImageDto>,
    sourceImageUrl: sourceSchemeUrl,
  });
}
