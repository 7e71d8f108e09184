// The model library: the list (demo model first), imports (dialog, dropped or picked file) with their
// errors shown where the user started them, default and removal.
import type { ModelDto, StudioApi } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

export class ModelsState {
  list = $state.raw<readonly ModelDto[]>([]);
  loaded = $state(false);
  /** Name of the file being imported (validation can take a few seconds for a 2 GB checkpoint). */
  importing = $state<string | null>(null);
  /** Bytes of a web-mode upload sent so far (null when nothing is being uploaded). */
  upload = $state<{ sent: number; total: number } | null>(null);
  /** The last upload was stopped by the user (said as such, not as a failure). */
  uploadCancelled = $state(false);
  #abort: AbortController | null = null;
  importError = $state<string | null>(null);
  /** The model just imported, for a confirmation line. */
  lastImported = $state.raw<ModelDto | null>(null);
  actionError = $state<string | null>(null);

  defaultModel = $derived(this.list.find((m) => m.isDefault) ?? this.list[0] ?? null);

  constructor(private readonly api: StudioApi) {
    api.onModelsEvent(({ models }) => {
      this.list = models;
    });
  }

  async load(): Promise<void> {
    try {
      this.list = await this.api.models.list();
      this.loaded = true;
    } catch (error) {
      this.actionError = errorMessage(error);
    }
  }

  byId(id: number | null): ModelDto | null {
    return id === null ? this.defaultModel : (this.list.find((m) => m.id === id) ?? null);
  }

  /** Web mode uploads the bytes (progress in `upload`, cancellable); the desktop app imports the file in place. */
  importFile(file: File): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    this.upload = this.api.shell === 'web' ? { sent: 0, total: file.size } : null;
    return this.#import(file.name, () => this.api.importDroppedModel(file, {
      signal: abort.signal,
      onProgress: (sent, total) => {
        if (this.#abort === abort) this.upload = { sent, total };
      },
    })).finally(() => {
      if (abort.signal.aborted) {
        this.importError = null;
        this.uploadCancelled = true;
      }
      if (this.#abort === abort) {
        this.#abort = null;
        this.upload = null;
      }
    });
  }

  /** Stop an upload still sending bytes (the server discards the partial file). */
  cancelUpload(): void {
    this.#abort?.abort();
  }

  importWithDialog(kind: 'file' | 'folder'): Promise<void> {
    return this.#import(kind === 'file' ? 'the chosen file' : 'the chosen folder', () => this.api.models.importWithDialog({ kind }));
  }

  async setDefault(modelId: number): Promise<void> {
    await this.#act(async () => {
      this.list = await this.api.models.setDefault({ modelId });
    });
  }

  async remove(modelId: number): Promise<void> {
    await this.#act(async () => {
      this.list = await this.api.models.remove({ modelId });
    });
  }

  async rename(modelId: number, name: string): Promise<void> {
    await this.#act(async () => {
      const renamed = await this.api.models.rename({ modelId, name });
      this.list = this.list.map((m) => (m.id === renamed.id ? renamed : m));
    });
  }

  async #import(label: string, run: () => Promise<ModelDto | null>): Promise<void> {
    this.importing = label;
    this.importError = null;
    this.uploadCancelled = false;
    this.lastImported = null;
    try {
      const model = await run();
      if (model) {
        this.lastImported = model;
        this.list = await this.api.models.list();
      }
    } catch (error) {
      this.importError = errorMessage(error);
    } finally {
      this.importing = null;
    }
  }

  async #act(run: () => Promise<void>): Promise<void> {
    this.actionError = null;
    try {
      await run();
    } catch (error) {
      this.actionError = errorMessage(error);
    }
  }
}
