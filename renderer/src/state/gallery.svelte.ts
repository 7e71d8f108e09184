// The gallery list: filters, keyset-paged loading (gallery.list), live updates from onGalleryEvent, and the
// per-item actions (favourite, delete with undo). Items are one $state.raw array replaced on change: the
// grid virtualises over it, so 10 000 entries cost one array, not 10 000 proxies.
import type { AccelMode, GalleryItemDto, GalleryQueryDto, StudioApi } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import type { Toasts } from './toasts.svelte';

export const PAGE_SIZE = 120;
const SEARCH_DEBOUNCE_MS = 250;

export interface GalleryFilters {
  modelId: number | null;
  mode: AccelMode | null;
  favouritesOnly: boolean;
  /** Local midnight of the first day shown / of the day after the last day shown (Unix ms). */
  from: number | null;
  to: number | null;
}

const NO_FILTERS: GalleryFilters = { modelId: null, mode: null, favouritesOnly: false, from: null, to: null };

function newestFirst(a: GalleryItemDto, b: GalleryItemDto): number {
  return b.createdAt - a.createdAt || b.id - a.id;
}

export class GalleryState {
  items = $state.raw<readonly GalleryItemDto[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loadedOnce = $state(false);
  error = $state<string | null>(null);
  searchText = $state('');
  filters = $state.raw<GalleryFilters>(NO_FILTERS);

  /** Bumped each time the list starts over (new search or filters): the grid scrolls back to the top. */
  listVersion = $state(0);
  /** Whether the items shown were found with a search or filter (set when they arrive, not while typing). */
  filtered = $state(false);

  hasMore = $derived(this.nextCursor !== null);

  #version = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Items this window deleted, kept so Undo can put them back where they were. */
  #removed = new Map<number, GalleryItemDto>();

  constructor(private readonly api: StudioApi, private readonly toasts: Toasts) {
    api.onGalleryEvent((event) => {
      if (event.type === 'added') void this.refreshTop();
      else if (event.type === 'updated') void this.refreshItems(event.generationIds);
      else if (event.type === 'deleted') this.#drop(event.generationIds);
      else this.#restore(event.generationIds);
    });
  }

  /** Start over from the newest item with the current search and filters. */
  async reload(): Promise<void> {
    const version = ++this.#version;
    this.loading = true;
    this.error = null;
    try {
      const query = this.#query(null);
      const page = await this.api.gallery.list(query);
      if (version !== this.#version) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.filtered = Object.keys(query).some((k) => k !== 'limit');
      this.listVersion += 1;
      this.loadedOnce = true;
    } catch (error) {
      if (version === this.#version) this.error = errorMessage(error);
    } finally {
      if (version === this.#version) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.nextCursor === null) return;
    const version = this.#version;
    this.loading = true;
    try {
      const page = await this.api.gallery.list(this.#query(this.nextCursor));
      if (version !== this.#version) return;
      const known = new Set(this.items.map((i) => i.id));
      this.items = [...this.items, ...page.items.filter((i) => !known.has(i.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (version === this.#version) this.error = errorMessage(error);
    } finally {
      if (version === this.#version) this.loading = false;
    }
  }

  typeSearch(text: string): void {
    this.searchText = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => void this.reload(), SEARCH_DEBOUNCE_MS);
  }

  setFilters(patch: Partial<GalleryFilters>): void {
    this.filters = { ...this.filters, ...patch };
    void this.reload();
  }

  clearFilters(): void {
    clearTimeout(this.#searchTimer);
    this.searchText = '';
    this.filters = NO_FILTERS;
    void this.reload();
  }

  async setFavourite(id: number, favourite: boolean): Promise<GalleryItemDto | null> {
    try {
      const item = await this.api.gallery.setFavourite({ generationId: id, favourite });
      this.#replace([item]);
      return item;
    } catch (error) {
      this.toasts.error(errorMessage(error));
      return null;
    }
  }

  /** Soft delete with an Undo toast (the back half keeps the files until the app restarts). */
  async remove(ids: readonly number[]): Promise<boolean> {
    try {
      const { deleted } = await this.api.gallery.delete({ generationIds: [...ids] });
      this.#drop(deleted);
      const label = deleted.length === 1 ? 'Image deleted.' : `${deleted.length} images deleted.`;
      this.toasts.show(label, { action: { label: 'Undo', run: () => this.undoDelete(deleted) } });
      return true;
    } catch (error) {
      this.toasts.error(errorMessage(error));
      return false;
    }
  }

  async removePermanently(ids: readonly number[]): Promise<boolean> {
    try {
      const { deleted } = await this.api.gallery.delete({ generationIds: [...ids], permanent: true });
      this.#drop(deleted);
      for (const id of deleted) this.#removed.delete(id);
      this.toasts.show(deleted.length === 1 ? 'Image and file deleted permanently.' : `${deleted.length} images deleted permanently.`);
      return true;
    } catch (error) {
      this.toasts.error(errorMessage(error));
      return false;
    }
  }

  async undoDelete(ids: readonly number[]): Promise<void> {
    try {
      const { restored } = await this.api.gallery.undoDelete({ generationIds: [...ids] });
      this.#restore(restored);
    } catch (error) {
      this.toasts.error(errorMessage(error));
    }
  }

  /** New images: merge the newest page (they always sort first). */
  async refreshTop(): Promise<void> {
    const version = this.#version;
    try {
      const page = await this.api.gallery.list(this.#query(null));
      if (version !== this.#version) return;
      if (!this.loadedOnce) {
        this.items = page.items;
        this.nextCursor = page.nextCursor;
        this.loadedOnce = true;
        return;
      }
      this.#replace(page.items, true);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async refreshItems(ids: readonly number[]): Promise<void> {
    const loaded = ids.filter((id) => this.items.some((i) => i.id === id));
    if (loaded.length === 0) {
      // Possibly an image that just completed: it may now belong on the first page.
      await this.refreshTop();
      return;
    }
    const fresh = await Promise.allSettled(loaded.map((generationId) => this.api.gallery.get({ generationId })));
    this.#replace(fresh.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  }

  #query(cursor: string | null): GalleryQueryDto {
    const q: GalleryQueryDto = { limit: PAGE_SIZE };
    const search = this.searchText.trim();
    if (search) q.search = search;
    if (this.filters.modelId !== null) q.modelId = this.filters.modelId;
    if (this.filters.mode !== null) q.mode = this.filters.mode;
    if (this.filters.favouritesOnly) q.favouritesOnly = true;
    if (this.filters.from !== null) q.from = this.filters.from;
    if (this.filters.to !== null) q.to = this.filters.to;
    if (cursor !== null) q.cursor = cursor;
    return q;
  }

  /** Replace known items (and, with `insert`, add unknown ones) keeping newest-first order. */
  #replace(fresh: readonly GalleryItemDto[], insert = false): void {
    const byId = new Map(this.items.map((i) => [i.id, i]));
    for (const item of fresh) {
      if (insert || byId.has(item.id)) byId.set(item.id, item);
    }
    let next = [...byId.values()];
    if (this.filters.favouritesOnly) next = next.filter((i) => i.favourite);
    this.items = next.sort(newestFirst);
  }

  #drop(ids: readonly number[]): void {
    const gone = new Set(ids);
    for (const item of this.items) if (gone.has(item.id)) this.#removed.set(item.id, item);
    this.items = this.items.filter((i) => !gone.has(i.id));
  }

  #restore(ids: readonly number[]): void {
    const back = ids.flatMap((id) => {
      const item = this.#removed.get(id);
      this.#removed.delete(id);
      return item ? [item] : [];
    });
    if (back.length < ids.length) void this.refreshTop();
    if (back.length > 0) this.#replace(back, true);
  }
}
