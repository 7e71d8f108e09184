// Builds the namespaced StudioApi object (`api.gallery.list(...)`) from the contract's method list and one
// transport function, so the Electron and WebSocket clients cannot drift from the contract.
import {
  EVENT_NAMES, METHOD_NAMES,
  type EventMap, type EventName, type ImageParametersDto, type ImageVariant, type MethodName, type AddonDto, type ModelDto, type StudioApi,
  type Unsubscribe, type UploadOptions, type SourceImageDto, type SourceImageKind,
} from '../../../../preload/contract';

export interface Transport {
  readonly shell: 'electron' | 'web';
  /** Resolves with the method's value or rejects with ApiError. */
  call(method: MethodName, args: unknown): Promise<unknown>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): Unsubscribe;
  imageUrl(generationId: number, variant: ImageVariant): string;
  importDroppedModel(file: File, options?: UploadOptions): Promise<ModelDto>;
  importDroppedAddon(file: File, options?: UploadOptions): Promise<AddonDto>;
  readImageParameters(file: File): Promise<ImageParametersDto>;
  storeSourceImage(image: Blob, kind: SourceImageKind): Promise<SourceImageDto>;
  sourceImageUrl(sourceId: number): string;
}

export function buildApi(transport: Transport): StudioApi {
  const api: Record<string, unknown> = {
    shell: transport.shell,
    imageUrl: (id: number, variant: ImageVariant) => transport.imageUrl(id, variant),
    importDroppedModel: (file: File, options?: UploadOptions) => transport.importDroppedModel(file, options),
    importDroppedAddon: (file: File, options?: UploadOptions) => transport.importDroppedAddon(file, options),
    readImageParameters: (file: File) => transport.readImageParameters(file),
    storeSourceImage: (image: Blob, kind: SourceImageKind) => transport.storeSourceImage(image, kind),
    sourceImageUrl: (id: number) => transport.sourceImageUrl(id),
  };
  for (const method of METHOD_NAMES) {
    const [ns, fn] = method.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[fn] = (args?: unknown) => transport.call(method, args ?? {});
  }
  for (const event of EVENT_NAMES) {
    api[event] = (listener: (payload: EventMap[typeof event]) => void) => transport.subscribe(event, listener);
  }
  return api as unknown as StudioApi;
}
