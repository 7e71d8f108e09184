// The gallery's detail panel: one generation with every parameter, and what can be done with it.
import type { GenerateParams, GenerationDetailDto, StudioApi } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import type { GalleryState } from './gallery.svelte';
import type { Toasts } from './toasts.svelte';

export class GalleryDetail {
  current = $state.raw<GenerationDetailDto | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Which id is open (set at once, so the grid can highlight it while the detail loads). */
  openId = $state<number | null>(null);

  constructor(private readonly api: StudioApi, private readonly gallery: GalleryState, private readonly toasts: Toasts) {
    api.onGalleryEvent((event) => {
      if (this.openId === null || !event.generationIds.includes(this.openId)) return;
      if (event.type === 'deleted') this.close();
      else if (event.type === 'updated') void this.open(this.openId);
    });
  }

  async open(generationId: number): Promise<void> {
    this.openId = generationId;
    this.loading = true;
    this.error = null;
    try {
      const detail = await this.api.gallery.get({ generationId });
      if (this.openId === generationId) this.current = detail;
    } catch (error) {
      if (this.openId === generationId) this.error = errorMessage(error);
    } finally {
      if (this.openId === generationId) this.loading = false;
    }
  }

  close(): void {
    this.openId = null;
    this.current = null;
    this.error = null;
  }

  async toggleFavourite(): Promise<void> {
    const detail = this.current;
    if (!detail) return;
    const item = await this.gallery.setFavourite(detail.id, !detail.favourite);
    if (item && this.current?.id === item.id) this.current = { ...this.current, favourite: item.favourite };
  }

  async remove(): Promise<void> {
    const detail = this.current;
    if (detail && (await this.gallery.remove([detail.id]))) this.close();
  }

  async removePermanently(): Promise<void> {
    const detail = this.current;
    if (detail && (await this.gallery.removePermanently([detail.id]))) this.close();
  }

  async reuseParameters(): Promise<GenerateParams | null> {
    const detail = this.current;
    if (!detail) return null;
    try {
      return await this.api.gallery.reuseParameters({ generationId: detail.id });
    } catch (error) {
      this.toasts.error(errorMessage(error));
      return null;
    }
  }

  async copy(text: string, what: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.toasts.show(`${what} copied.`);
    } catch {
      this.toasts.error(`Could not copy the ${what.toLowerCase()}: the browser refused clipboard access.`);
    }
  }

  async revealInFolder(): Promise<void> {
    const detail = this.current;
    if (!detail) return;
    try {
      await this.api.gallery.revealInFolder({ generationId: detail.id });
    } catch (error) {
      this.toasts.error(errorMessage(error));
    }
  }

  /** Electron: hand the drag to the OS with the image file (the contract's startDrag). */
  startDrag(generationId: number): void {
    void this.api.gallery.startDrag({ generationId }).catch((error: unknown) => this.toasts.error(errorMessage(error)));
  }
}
