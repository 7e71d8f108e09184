// THE contract between the UI and the app: every request, response and event, with runtime validation.
// One definition, three transports: Electron IPC (preload → ipcMain.handle), the web-mode WebSocket, and the
// in-process services that implement it. Read this file to know everything the UI can ask.
//
// Conventions (VS Code's ProxyChannel): methods are named `namespace.method`, take ONE plain-object argument
// (`{}` when there is nothing to say) and return a Promise; names matching /^on[A-Z]/ are events.
// Errors: a failed call rejects with ApiError { code, message } (codes in contract/dto.ts).
// Images are referred to by generation id; the client's imageUrl(id, variant) makes the URL for an <img>.
// Imports: only this folder (no main/, no electron, no packages), so the sandboxed preload and the renderer
// can both bundle it.
import type {
  AddonDto, ApiErrorDto, ComparisonDto, ComparisonEvent, CompareParams, GalleryEvent, GalleryItemDto, GalleryPageDto,
  GalleryQueryDto, GenerateParams, GenerationDefaults, GenerationDetailDto, ImageParametersDto, ImageVariant, JobDto, JobEvent,
  ModelDto, ModelsEvent, PlanCostDto, PlanCostParams, PresetDto, PresetFidelityDto, PresetFidelityParams, PromptHistoryItemDto,
  ProviderReportDto, Result, SettingsDto, SettingsEvent,
  SettingsPatch, SourceImageDto, SourceImageKind, SystemInfoDto,
} from './contract/dto';
import type {
  CalibrateParams, CalibrationDto, CalibrationEvent, CalibrationRunDto, ExpectedQualityDto, ExpectedQualityParams, SavePresetParams,
} from './contract/dto';
import { empty, object, optional, nullable, type Schema } from './contract/schema';
import {
  compareParamsSchema, galleryQuerySchema, generateParamsSchema, planCostSchema, schemas as s, settingsPatchSchema,
} from './contract/validators';
import { calibrateParamsSchema, expectedQualitySchema, savePresetSchema } from './contract/validators';

export * from './contract/dto';
export { ValidationError } from './contract/schema';
export { fieldProblem, friendlyValidation } from './contract/validation-message';

/** No arguments: send `{}` (or nothing). */
type Empty = Record<never, never>;

/** Every method: its argument and what it resolves to. */
export interface MethodMap {
  // Generation ------------------------------------------------------------------------------------------
  /** Queue `batchCount` jobs (seeds seed, seed+1, …). Rejects with 'queue-full' past LIMITS.maxQueuedJobs. */
  'generation.enqueue': { args: GenerateParams; result: JobDto[] };
  /** Cancel a queued job, or stop a running one before its next UNet evaluation. */
  /** `message` says why a running job could not be cancelled any more (its image is being saved). */
  'generation.cancel': { args: { jobId: string }; result: { cancelled: boolean; message?: string } };
  'generation.cancelAll': { args: Empty; result: { cancelled: number } };
  /** Queued and running jobs, then the most recent finished ones (newest first), for a fresh UI. */
  'generation.jobs': { args: Empty; result: JobDto[] };
  /** Form defaults for a model (null = the default model): steps, CFG, size options, last seed. */
  'generation.defaults': { args: { modelId: number | null }; result: GenerationDefaults };
  /** Built-in presets (Baseline, Cached-only, DaTo, DaTo fast) then the user's. */
  'generation.presets': { args: Empty; result: PresetDto[] };
  /** What a preset or custom schedule costs before running: evaluations by kind and estimated MAC fraction. */
  'generation.planCost': { args: PlanCostParams; result: PlanCostDto };
  /** What the library's same-seed runs say about each preset's fidelity for this model, sampler and steps. */
  'generation.presetFidelity': { args: PresetFidelityParams; result: PresetFidelityDto[] };
  /** Save an acceleration as a user preset; rejects with 'invalid-parameters' when the name is taken. */
  'generation.savePreset': { args: SavePresetParams; result: PresetDto };
  /** What a preset is expected to give before it runs (calibrated: the calibration it resolves to), or that
   *  `calibrated` has no calibration for these settings. */
  'generation.expectedQuality': { args: ExpectedQualityParams; result: ExpectedQualityDto };
  // Calibration -----------------------------------------------------------------------------------------
  /** Start (or resume what a stopped run of the same settings measured) a schedule calibration; one at a
   *  time, and never while generations are queued ('engine-busy'); progress arrives as onCalibrationEvent. */
  'calibration.start': { args: CalibrateParams; result: CalibrationRunDto };
  /** Stop the run after the current image; what it measured is kept for a resume. */
  'calibration.cancel': { args: { runId: string }; result: { cancelled: boolean } };
  /** The running calibration, else the last finished one (null before the first). */
  'calibration.current': { args: Empty; result: CalibrationRunDto | null };
  /** A model's finished calibrations with their fronts, newest first. */
  'calibration.list': { args: { modelId: number | null }; result: CalibrationDto[] };
  // Compare ---------------------------------------------------------------------------------------------
  /** Queue the same prompt+seed in each variant (baseline first); progress arrives as onComparisonEvent. */
  'compare.start': { args: CompareParams; result: ComparisonDto };
  'compare.get': { args: { comparisonId: number }; result: ComparisonDto };
  'compare.list': { args: { limit: number }; result: ComparisonDto[] };
  // Gallery ---------------------------------------------------------------------------------------------
  /** One page, newest first; pass nextCursor back as `cursor` for the next page. */
  'gallery.list': { args: GalleryQueryDto; result: GalleryPageDto };
  'gallery.get': { args: { generationId: number }; result: GenerationDetailDto };
  'gallery.setFavourite': { args: { generationId: number; favourite: boolean }; result: GalleryItemDto };
  /** Soft delete (undoable with undoDelete until the app restarts); permanent: rows and files go now. */
  'gallery.delete': { args: { generationIds: number[]; permanent?: boolean }; result: { deleted: number[] } };
  'gallery.undoDelete': { args: { generationIds: number[] }; result: { restored: number[] } };
  /** Distinct prompts of the library, most recently used first; `search` as in gallery.list. */
  'gallery.prompts': { args: { search?: string; limit: number }; result: PromptHistoryItemDto[] };
  /** The generation's parameters as a Generate form (seed fixed to the image's seed; `source` for image-to-image). */
  'gallery.reuseParameters': { args: { generationId: number }; result: GenerateParams };
  /** Electron only: the parameters of a dropped image file (the preload turns the File into its path). */
  'images.readParameters': { args: { path: string }; result: ImageParametersDto };
  /** Electron only: show the file in the OS file manager. */
  'gallery.revealInFolder': { args: { generationId: number }; result: Empty };
  /** Electron only: call from the image's `dragstart` handler (with event.preventDefault()). */
  'gallery.startDrag': { args: { generationId: number }; result: Empty };
  // Models ----------------------------------------------------------------------------------------------
  /** The demo model is always first. */
  'models.list': { args: Empty; result: ModelDto[] };
  /** Electron only: native open dialog (a .safetensors file or a diffusers folder); null when cancelled. */
  'models.importWithDialog': { args: { kind: 'file' | 'folder' }; result: ModelDto | null };
  /** Electron only: a dropped file/folder (the preload turns the File into its path). */
  'models.importPath': { args: { path: string }; result: ModelDto };
  'models.setDefault': { args: { modelId: number }; result: ModelDto[] };
  'models.rename': { args: { modelId: number; name: string }; result: ModelDto };
  /** Forget a model (the user's own file is never deleted; an uploaded copy is). The demo model stays. */
  'models.remove': { args: { modelId: number }; result: ModelDto[] };
  // Add-ons (issue 11): LoRAs, textual-inversion embeddings, VAEs ----------------------------------------
  /** Every add-on, by kind then name. */
  'addons.list': { args: Empty; result: AddonDto[] };
  /** Electron only: a dropped .safetensors add-on (its kind is read from the file). */
  'addons.importPath': { args: { path: string }; result: AddonDto };
  /** Electron only: a native dialog; 'folder' imports every .safetensors add-on in it. Empty when cancelled. */
  'addons.importWithDialog': { args: { kind: 'file' | 'folder' }; result: AddonDto[] };
  /** Forget an add-on (the user's own file is never deleted; an uploaded copy is). */
  'addons.remove': { args: { addonId: number }; result: AddonDto[] };
  // Settings --------------------------------------------------------------------------------------------
  'settings.get': { args: Empty; result: SettingsDto };
  'settings.update': { args: SettingsPatch; result: SettingsDto };
  /** Electron only: folder dialog; null when cancelled. */
  'settings.chooseOutputDir': { args: Empty; result: SettingsDto | null };
  'settings.resetOutputDir': { args: Empty; result: SettingsDto };
  /** refresh: probe the providers now in the engine process (a second or two); else the last report. */
  'settings.providers': { args: { refresh?: boolean }; result: ProviderReportDto };
  // System ----------------------------------------------------------------------------------------------
  'system.info': { args: Empty; result: SystemInfoDto };
  // Image-to-image (issue 9) ----------------------------------------------------------------------------
  /** Electron only: keep a picture or mask in the library (checked: decodable, size limits); web mode uploads it. */
  'images.storeSource': { args: { bytes: Uint8Array; kind: SourceImageKind }; result: SourceImageDto };
  /** A gallery image as the next image-to-image input ("send to img2img"). */
  'images.sourceFromGeneration': { args: { generationId: number }; result: SourceImageDto };
  /** A stored source picture or mask (what a reused generation started from). */
  'images.getSource': { args: { sourceId: number }; result: SourceImageDto };
  /** A stored mask as a PNG data: URL, to paint on again (a canvas may read it back; an image URL of another origin it may not). */
  'images.maskDataUrl': { args: { sourceId: number }; result: { dataUrl: string } };
}

export type MethodName = keyof MethodMap;
export type ArgsOf<M extends MethodName> = MethodMap[M]['args'];
export type ResultOf<M extends MethodName> = MethodMap[M]['result'];

export interface MethodSpec<A> {
  readonly args: Schema<A>;
  /** False: refused over the web-mode WebSocket (W-07: no paths, dialogs or OS integration for remote clients). */
  readonly remoteAllowed: boolean;
}

const local = false;
const remote = true;
const spec = <A>(args: Schema<A>, remoteAllowed: boolean): MethodSpec<A> => ({ args, remoteAllowed });
const emptyArgs = empty as Schema<Empty>;

/** The runtime table: one entry per method (the type makes a missing or extra entry a compile error). */
export const METHODS: { readonly [M in MethodName]: MethodSpec<ArgsOf<M>> } = {
  'generation.enqueue': spec(generateParamsSchema, remote),
  'generation.cancel': spec(object({ jobId: s.jobId }), remote),
  'generation.cancelAll': spec(emptyArgs, remote),
  'generation.jobs': spec(emptyArgs, remote),
  'generation.defaults': spec(object({ modelId: nullable(s.id) }), remote),
  'generation.presets': spec(emptyArgs, remote),
  'generation.planCost': spec(planCostSchema, remote),
  'generation.presetFidelity': spec(object({ modelId: nullable(s.id), sampler: s.sampler, steps: s.steps }), remote),
  'generation.savePreset': spec(savePresetSchema, remote),
  'generation.expectedQuality': spec(expectedQualitySchema, remote),
  'calibration.start': spec(calibrateParamsSchema, remote),
  'calibration.cancel': spec(object({ runId: s.calibrationRunId }), remote),
  'calibration.current': spec(emptyArgs, remote),
  'calibration.list': spec(object({ modelId: nullable(s.id) }), remote),
  'compare.start': spec(compareParamsSchema, remote),
  'compare.get': spec(object({ comparisonId: s.id }), remote),
  'compare.list': spec(object({ limit: s.recentLimit }), remote),
  'gallery.list': spec(galleryQuerySchema, remote),
  'gallery.get': spec(object({ generationId: s.id }), remote),
  'gallery.setFavourite': spec(object({ generationId: s.id, favourite: s.bool }), remote),
  'gallery.delete': spec(object({ generationIds: s.ids, permanent: optional(s.bool) }), remote),
  'gallery.undoDelete': spec(object({ generationIds: s.ids }), remote),
  'gallery.prompts': spec(object({ search: optional(s.search), limit: s.recentLimit }), remote),
  'gallery.reuseParameters': spec(object({ generationId: s.id }), remote),
  'images.readParameters': spec(object({ path: s.absolutePath }), local),
  'gallery.revealInFolder': spec(object({ generationId: s.id }), local),
  'gallery.startDrag': spec(object({ generationId: s.id }), local),
  'models.list': spec(emptyArgs, remote),
  'models.importWithDialog': spec(object({ kind: s.importKind }), local),
  'models.importPath': spec(object({ path: s.absolutePath }), local),
  'models.setDefault': spec(object({ modelId: s.id }), remote),
  'models.rename': spec(object({ modelId: s.id, name: s.modelName }), remote),
  'models.remove': spec(object({ modelId: s.id }), remote),
  'addons.list': spec(emptyArgs, remote),
  'addons.importPath': spec(object({ path: s.absolutePath }), local),
  'addons.importWithDialog': spec(object({ kind: s.importKind }), local),
  'addons.remove': spec(object({ addonId: s.id }), remote),
  'settings.get': spec(emptyArgs, remote),
  'settings.update': spec(settingsPatchSchema, remote),
  'settings.chooseOutputDir': spec(emptyArgs, local),
  'settings.resetOutputDir': spec(emptyArgs, local),
  'settings.providers': spec(object({ refresh: optional(s.bool) }), remote),
  'system.info': spec(emptyArgs, remote),
  'images.storeSource': spec(s.sourceFile, local),
  'images.sourceFromGeneration': spec(object({ generationId: s.id }), remote),
  'images.getSource': spec(object({ sourceId: s.id }), remote),
  'images.maskDataUrl': spec(object({ sourceId: s.id }), remote),
};

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}

/** Events pushed from the app to the UI. */
export interface EventMap {
  onJobEvent: JobEvent;
  onComparisonEvent: ComparisonEvent;
  onGalleryEvent: GalleryEvent;
  onModelsEvent: ModelsEvent;
  onSettingsEvent: SettingsEvent;
  onCalibrationEvent: CalibrationEvent;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = ['onJobEvent', 'onComparisonEvent', 'onGalleryEvent', 'onModelsEvent', 'onSettingsEvent', 'onCalibrationEvent'];

export type Unsubscribe = () => void;

// ------------------------------------------------------------------------------------------- the UI's API

type Namespaces = MethodName extends `${infer N}.${string}` ? N : never;
// `{} extends A`: every field of A is optional, so the argument may be left out.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` here is the test, not a value type
type Call<A, R> = {} extends A ? (args?: A) => Promise<R> : (args: A) => Promise<R>;
type Namespace<N extends string, Out extends 'value' | 'result'> = {
  [M in MethodName as M extends `${N}.${infer F}` ? F : never]:
    Call<ArgsOf<M>, Out extends 'value' ? ResultOf<M> : Result<ResultOf<M>>>;
};
type Events = { [E in EventName]: (listener: (event: EventMap[E]) => void) => Unsubscribe };

/**
 * What renderer code uses (`api.generation.enqueue(params)`, `api.onJobEvent(cb)`): calls reject with ApiError.
 * Built by renderer/src/lib/api (Electron: over window.studio; web mode: over the WebSocket).
 */
export type StudioApi = { [N in Namespaces]: Namespace<N, 'value'> } & Events & {
  /** URL for an <img>: Electron `studio-image://image/<id>/<variant>`, web `/images/<id>/<variant>?token=…`. */
  imageUrl(generationId: number, variant: ImageVariant): string;
  /**
   * Import a model the user dropped or picked: Electron sends its path, web mode uploads its bytes (one file),
   * reporting bytes sent and stopping (the server discards the partial file) when `signal` aborts.
   */
  importDroppedModel(file: File, options?: UploadOptions): Promise<ModelDto>;
  /** The same for a LoRA, embedding or VAE file (web mode: `/upload?library=addons`). */
  importDroppedAddon(file: File, options?: UploadOptions): Promise<AddonDto>;
  /** Generation parameters of an image the user dropped or pasted: Electron sends its path, web mode its bytes. */
  readImageParameters(file: File): Promise<ImageParametersDto>;
  /** Image-to-image (issue 9): keep a dropped, pasted or painted picture/mask in the library. */
  storeSourceImage(image: Blob, kind: SourceImageKind): Promise<SourceImageDto>;
  /** URL for an <img> of a stored source picture or mask. */
  sourceImageUrl(sourceId: number): string;
  readonly shell: 'electron' | 'web';
};

export interface UploadOptions {
  /** Bytes sent so far of `total` (web mode; the desktop app reads the file in place, nothing is sent). */
  onProgress?(sent: number, total: number): void;
  /** Aborting it stops the upload; the promise rejects with ApiError 'cancelled'. */
  signal?: AbortSignal;
}

/** What the preload exposes as `window.studio`: the same methods resolving to Result envelopes. */
export type StudioBridge = { [N in Namespaces]: Namespace<N, 'result'> } & Events & {
  /** Path of a dropped File (Electron's webUtils.getPathForFile), for models.importPath. */
  pathForFile(file: File): string;
};

// ------------------------------------------------------------------------------------------- transports

/** Electron IPC channel of a method / event. Main accepts only these channels. */
export const methodChannel = (m: MethodName): string => `studio:${m}`;
export const eventChannel = (e: EventName): string => `studio:event:${e}`;
/** The privileged schemes of the Electron app: the UI and images by id. */
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = 'studio://app';
export const IMAGE_SCHEME = 'studio-image';
export const imageSchemeUrl = (generationId: number, variant: ImageVariant): string =>
  `${IMAGE_SCHEME}://image/${generationId}/${variant}`;
/** A stored image-to-image source picture or mask (issue 9). */
export const sourceSchemeUrl = (sourceId: number): string => `${IMAGE_SCHEME}://source/${sourceId}`;

/**
 * Web mode. Start: `node dist/web.js [--port N] [--data-dir DIR]` prints `http://127.0.0.1:PORT/#token=HEX`.
 * - WebSocket at `/ws`, token as the subprotocol `studio-token.HEX` (plus WEB_PROTOCOL); messages are JSON
 *   WireRequest → WireResponse, and WireEvent pushed at any time.
 * - Images: POST `/session` with `Authorization: Bearer HEX` once sets an HttpOnly, SameSite=Strict cookie;
 *   then GET `/images/<generationId>/<full|thumb|heatmap>` (no secret in the URL).
 * - Upload a model: POST `/upload?name=<file name>` with `Authorization: Bearer HEX`, body = the file's bytes;
 *   responds with a JSON Result<ModelDto>. With `&library=addons`: a LoRA, embedding or VAE, Result<AddonDto>.
 * - An image's parameters: POST `/image-parameters` (same token), body = the image's bytes (≤ 128 MB);
 *   responds with a JSON Result<ImageParametersDto>.
 * - Image-to-image (issue 9): POST `/source-images?kind=image|mask` (same token), body = the picture's bytes;
 *   responds with a JSON Result<SourceImageDto>. GET `/images/sources/<id>` (the image cookie) serves it as PNG.
 */
export const WEB_PROTOCOL = 'studio.v1';
export const WEB_TOKEN_PROTOCOL_PREFIX = 'studio-token.';
export const WEB_MAX_MESSAGE_BYTES = 256 * 1024;

export interface WireRequest { readonly id: number; readonly method: MethodName; readonly args: unknown }
export type WireResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ApiErrorDto };
export interface WireEvent { readonly event: EventName; readonly payload: unknown }
