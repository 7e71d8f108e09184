// Several gallery images picked at once (checkbox, Ctrl/Cmd+click, Shift+click for a range) for the bulk
// actions: favourite, delete (with undo), export.
import type { GalleryItemDto } from '../../../preload/contract';

export class GallerySelection {
  ids = $state.raw<ReadonlySet<number>>(new Set());
  /** Where a Shift+click range starts: the last item toggled. */
  #anchor: number | null = null;

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  toggle(id: number): void {
    const next = new Set(this.ids);
    if (!next.delete(id)) next.add(id);
    this.ids = next;
    this.#anchor = id;
  }

  /** Select everything between the anchor and `id` in the order shown (adds to what is selected). */
  extendTo(id: number, items: readonly GalleryItemDto[]): void {
    const from = items.findIndex((i) => i.id === this.#anchor);
    const to = items.findIndex((i) => i.id === id);
    if (from < 0 || to < 0) return this.toggle(id);
    const next = new Set(this.ids);
    for (const item of items.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(item.id);
    this.ids = next;
  }

  /** Forget ids that are no longer listed (deleted, filtered out). */
  keepOnly(items: readonly GalleryItemDto[]): void {
    if (this.ids.size === 0) return;
    const listed = new Set(items.map((i) => i.id));
    const kept = [...this.ids].filter((id) => listed.has(id));
    if (kept.length !== this.ids.size) this.ids = new Set(kept);
  }

  clear(): void {
    this.ids = new Set();
    this.#anchor = null;
  }
}
