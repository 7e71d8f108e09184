// The library's LoRAs, textual-inversion embeddings and VAEs (issue 11): the list, imports (dialog, dropped
// or picked files; the kind is read from each file) with their errors, and removal.
import type { AddonDto, AddonKind, StudioApi } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';

/** A preview image for an add-on, as A1111 keeps it next to the file (NAME.preview.png). */
export const isPreviewImage = (name: string): boolean => /\.preview\.(png|jpe?g|webp)$/i.test(name);

/** The Models screen's tabs: checkpoints, then one per add-on kind. */
export type LibraryTab = 'checkpoint' | AddonKind;

export class AddonsState {
  /** The Models screen's open tab (a file dropped there is imported as an add-on unless it is Checkpoints). */
  tab = $state<LibraryTab>('checkpoint');
  list = $state.raw<readonly AddonDto[]>([]);
  /** Name of the file being checked or uploaded. */
  importing = $state<string | null>(null);
  upload = $state<{ sent: number; total: number } | null>(null);
  importError = $state<string | null>(null);
  /** The add-ons just imported, for a confirmation line. */
  lastImported = $state.raw<readonly AddonDto[]>([]);
  actionError = $state<string | null>(null);

  constructor(private readonly api: StudioApi) {}

  ofKind(kind: AddonKind): AddonDto[] {
    return this.list.filter((a) => a.kind === kind);
  }

  byId(id: number | null | undefined): AddonDto | null {
    return id == null ? null : (this.list.find((a) => a.id === id) ?? null);
  }

  async load(): Promise<void> {
    try {
      this.list = await this.api.addons.list();
    } catch (error) {
      this.actionError = errorMessage(error);
    }
  }

  /**
   * One file after another (web mode uploads each); every refusal is listed, one line per file. Preview
   * images (`NAME.preview.png`) go after the add-on files they belong to.
   */
  async importFiles(files: readonly File[]): Promise<void> {
    const errors: string[] = [];
    const imported: AddonDto[] = [];
    this.importError = null;
    this.lastImported = [];
    const ordered = [...files].sort((a, b) => Number(isPreviewImage(a.name)) - Number(isPreviewImage(b.name)));
    for (const file of ordered) {
      this.importing = file.name;
      this.upload = this.api.shell === 'web' ? { sent: 0, total: file.size } : null;
      try {
        const addon = await this.api.importDroppedAddon(file, { onProgress: (sent, total) => { this.upload = { sent, total }; } });
        if (!imported.some((a) => a.id === addon.id)) imported.push(addon);
      } catch (error) {
        errors.push(errorMessage(error));
      }
    }
    this.importing = null;
    this.upload = null;
    this.#finish(imported, errors);
    await this.load();
  }

  async importWithDialog(kind: 'file' | 'folder'): Promise<void> {
    this.importing = kind === 'file' ? 'the chosen file' : 'the chosen folder';
    this.importError = null;
    this.lastImported = [];
    try {
      this.#finish(await this.api.addons.importWithDialog({ kind }), []);
    } catch (error) {
      this.#finish([], [errorMessage(error)]);
    } finally {
      this.importing = null;
    }
    await this.load();
  }

  #finish(imported: readonly AddonDto[], errors: readonly string[]): void {
    this.lastImported = imported;
    this.importError = errors.length ? errors.join('\n') : null;
  }

  async remove(addonId: number): Promise<void> {
    this.actionError = null;
    try {
      this.list = await this.api.addons.remove({ addonId });
    } catch (error) {
      this.actionError = errorMessage(error);
    }
  }
}
