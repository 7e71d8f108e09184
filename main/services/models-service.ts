// The model library: the embedded demo model (always listed, cannot be removed) plus what the user imported
// (a .safetensors file or a diffusers folder, by dialog, drag-and-drop path or web upload). Every file is
// validated by the engine's inspector in its own thread/process (E-10): pickle, corrupt and unsupported
// files are refused there with a message the user can act on. Removing a model never deletes the user's own
// file, only a copy uploaded into the app's models folder.
import { rm } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import { MODEL_FAMILIES, type ArchitectureDto, type ModelDto } from '../../preload/contract';
import type { ModelRecord, ModelsRepo } from '../db/models-repo';
import { EngineError, type ModelInfo } from '../engine/index';
import type { EventHub } from './event-hub';
import { contentHash, mayHaveChanged, modelFingerprint } from './model-fingerprint';
import { importUpload } from './model-upload';
import { notFound, ServiceError } from './service-error';

export const DEMO_MODEL_NAME = 'Demo: coloured shapes';
export const DEMO_MODEL_DESCRIPTION =
  'Demo: coloured shapes (small built-in model, 128 px) — import a real SD 1.x checkpoint for real images';

/** The name a model file or folder is listed under until the user renames it (also the CLI's model name). */
export function defaultModelName(path: string): string {
  return basename(path).replace(/\.safetensors$/i, '') || basename(path);
}

export interface ResolvedModel {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly isDemo: boolean;
  readonly nativeSize: number;
}

export interface ModelsServiceOptions {
  repo: ModelsRepo;
  /** Validates a model off the main thread (Engine.inspect). */
  inspect(path: string): Promise<ModelInfo>;
  demoModelPath: string;
  /** Uploaded copies live here. */
  modelsDir: string;
  events: EventHub;
}

function architectureOf(record: ModelRecord): ArchitectureDto | null {
  const a = record.architecture as Partial<ModelInfo>;
  if (!MODEL_FAMILIES.includes(a.family!) || typeof a.nativeSize !== 'number' || !a.parameters || !a.unet) return null;
  return {
    family: a.family!, prediction: a.prediction?.prediction ?? 'eps', nativeSize: a.nativeSize, unetParameters: a.parameters.unet, textParameters: a.parameters.text,
    vaeParameters: a.parameters.vae, modelChannels: a.unet.modelChannels, contextDim: a.unet.contextDim,
  };
}

function examplePromptsOf(record: ModelRecord): string[] {
  const prompts = (record.architecture as Partial<ModelInfo>).examplePrompts;
  return Array.isArray(prompts) ? prompts.filter((p): p is string => typeof p === 'string') : [];
}

/** What the engine detected, as stored in the models table (the path is a column already). */
function summary(info: ModelInfo): Record<string, unknown> {
  const { path: _path, ...rest } = info;
  return rest;
}

export class ModelsService {
  private demo: ModelRecord | undefined;

  constructor(private readonly opts: ModelsServiceOptions) {}

  /** Register the embedded demo model (inspected once) and make sure a default exists. */
  async init(): Promise<void> {
    const path = resolve(this.opts.demoModelPath);
    for (const stale of this.opts.repo.list().filter((m) => m.kind === 'embedded' && m.path !== path)) {
      this.opts.repo.remove(stale.id); // the app moved (checkout ↔ packaged): keep one demo row
    }
    let demo = this.opts.repo.getByPath(path);
    // a row stored before the engine reported example prompts is inspected again once
    if (!demo || (await mayHaveChanged(path, demo)) || !('examplePrompts' in demo.architecture)) {
      const info = await this.opts.inspect(path);
      demo = this.opts.repo.add({ name: DEMO_MODEL_NAME, path, kind: 'embedded', architecture: summary(info), ...(await modelFingerprint(path)) });
    }
    this.demo = demo;
    if (!this.opts.repo.getDefault()) this.opts.repo.setDefault(demo.id);
  }

  get demoId(): number {
    if (!this.demo) throw new Error('ModelsService.init() has not run');
    return this.demo.id;
  }

  private isManaged(path: string): boolean {
    return resolve(path).startsWith(resolve(this.opts.modelsDir) + sep);
  }

  toDto(record: ModelRecord): ModelDto {
    const isDemo = record.id === this.demo?.id;
    return {
      id: record.id, name: record.name, kind: record.kind, isDemo,
      description: isDemo ? DEMO_MODEL_DESCRIPTION : `${record.kind === 'diffusers' ? 'Diffusers folder' : 'Single-file checkpoint'} · SD 1.x`,
      examplePrompts: examplePromptsOf(record),
      isDefault: record.isDefault, architecture: architectureOf(record), sizeBytes: record.sizeBytes,
      fileName: basename(record.path), managedCopy: this.isManaged(record.path), addedAt: record.addedAt,
    };
  }

  /** The demo model first, then by name. */
  list(): ModelDto[] {
    const all = this.opts.repo.list().map((m) => this.toDto(m));
    return [...all.filter((m) => m.isDemo), ...all.filter((m) => !m.isDemo)];
  }

  private changed(): ModelDto[] {
    const models = this.list();
    this.opts.events.emit('onModelsEvent', { models });
    return models;
  }

  /**
   * An imported model with exactly these bytes (same size first, then the full content hash). The built-in
   * demo model is not one: importing a copy of it is how it gets a second, renamable entry.
   */
  private async sameContentAs(path: string): Promise<ModelRecord | undefined> {
    const sizeBytes = await modelFingerprint(path).then((f) => f.sizeBytes, () => null);
    if (sizeBytes === null) return undefined; // missing or unreadable: the inspector says so
    const candidates = this.opts.repo.list().filter((m) => m.kind !== 'embedded' && m.sizeBytes === sizeBytes && resolve(m.path) !== path);
    if (candidates.length === 0) return undefined;
    const mine = await contentHash(path);
    for (const candidate of candidates) {
      if ((await contentHash(candidate.path).catch(() => null)) === mine) return candidate;
    }
    return undefined;
  }

  /** `fileName`: the file as the user named it (an upload is stored under a free name, e.g. `x-2.safetensors`). */
  async importPath(path: string, fileName = basename(path)): Promise<ModelDto> {
    const absolute = resolve(path);
    const twin = await this.sameContentAs(absolute);
    if (twin) {
      throw new ServiceError('invalid-request', `“${fileName}” is already in your library as “${twin.name}” (the same file); it was not imported again.`);
    }
    let info: ModelInfo;
    try {
      info = await this.opts.inspect(absolute);
    } catch (err) {
      if (err instanceof EngineError && err.code === 'engine-crashed') {
        throw new EngineError('model-refused', `DaTo Studio refused "${basename(absolute)}": checking it crashed the model checker, which no usable model file does. It was not opened.`, err.message);
      }
      throw err;
    }
    const name = defaultModelName(absolute);
    const existing = this.opts.repo.getByPath(absolute);
    const record = this.opts.repo.add({
      name: existing?.name ?? name, path: absolute, kind: info.kind, architecture: summary(info), ...(await modelFingerprint(absolute)),
    });
    this.changed();
    return this.toDto(record);
  }

  /** Web mode: stream an uploaded file into the models folder, then validate it (removed again if refused). */
  async importUpload(requestedName: string, body: AsyncIterable<Uint8Array>, maxBytes?: number): Promise<ModelDto> {
    return importUpload(this.opts.modelsDir, requestedName, body, maxBytes, (path, name) => this.importPath(path, name));
  }

  private get(id: number): ModelRecord {
    const record = this.opts.repo.get(id);
    if (!record) throw notFound('This model');
    return record;
  }

  setDefault(id: number): ModelDto[] {
    this.get(id);
    this.opts.repo.setDefault(id);
    return this.changed();
  }

  rename(id: number, name: string): ModelDto {
    this.get(id);
    this.opts.repo.rename(id, name.trim() || name);
    this.changed();
    return this.toDto(this.get(id));
  }

  async remove(id: number): Promise<ModelDto[]> {
    const record = this.get(id);
    if (id === this.demo?.id) throw new EngineError('invalid-parameters', 'The demo model is built in and cannot be removed.');
    this.opts.repo.remove(id);
    if (record.isDefault) this.opts.repo.setDefault(this.demoId);
    if (this.isManaged(record.path)) await rm(record.path, { recursive: true, force: true });
    return this.changed();
  }

  /** The model a job runs with (null = default), re-validated when its file changed since import (M-09). */
  async resolve(id: number | null): Promise<ResolvedModel> {
    let record = id === null ? this.opts.repo.getDefault() ?? this.get(this.demoId) : this.get(id);
    if (await mayHaveChanged(record.path, record)) {
      const info = await this.opts.inspect(record.path);
      this.opts.repo.updateFingerprint(record.id, await modelFingerprint(record.path), summary(info));
      record = this.get(record.id);
    }
    return this.resolved(record);
  }

  /** Without re-validation (form defaults, reuse parameters). */
  describe(id: number | null): ResolvedModel {
    return this.resolved(id === null ? this.opts.repo.getDefault() ?? this.get(this.demoId) : this.get(id));
  }

  private resolved(record: ModelRecord): ResolvedModel {
    return {
      id: record.id, name: record.name, path: record.path, isDemo: record.id === this.demo?.id,
      nativeSize: architectureOf(record)?.nativeSize ?? 512,
    };
  }
}
