// Gallery paging (GalleryState): keyset pages appended without duplicates, a new search starting over and
// winning against a slower earlier page, live events, delete with Undo.
import { describe, expect, test } from 'vitest';
import type { GalleryItemDto, GalleryPageDto, GalleryQueryDto } from '../../../../preload/contract';
import { GalleryState, PAGE_SIZE } from '../../../../renderer/src/state/gallery.svelte';
import { Toasts } from '../../../../renderer/src/state/toasts.svelte';
import { fakeApi } from './fake-api';

const item = (id: number, patch: Partial<GalleryItemDto> = {}): GalleryItemDto => ({
  id, prompt: `p${id}`, modelId: 1, modelName: 'demo', mode: 'baseline', width: 128, height: 128, seed: id, favourite: false,
  createdAt: id * 1000, speedup: null, comparisonId: null, missing: false, ...patch,
});
const ids = (items: readonly GalleryItemDto[]): number[] => items.map((i) => i.id);

/** A library of `n` items served newest first, `size` per page, the cursor being the last id served. */
function library(n: number, size: number): (q: GalleryQueryDto) => Promise<GalleryPageDto> {
  const all = Array.from({ length: n }, (_, i) => item(n - i));
  return async (q) => {
    const start = q.cursor === undefined ? 0 : all.findIndex((i) => i.id === Number(q.cursor)) + 1;
    const items = all.filter((i) => !q.search || i.prompt.includes(q.search)).slice(start, start + size);
    const more = start + size < all.length && items.length === size;
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
  };
}

describe('GalleryState', () => {
  test('pages load newest first until the cursor runs out, asking PAGE_SIZE at a time', async () => {
    const { api, calls } = fakeApi({ gallery: { list: library(5, 2) } });
    const gallery = new GalleryState(api, new Toasts());
    await gallery.reload();
    expect(ids(gallery.items)).toEqual([5, 4]);
    expect(gallery.hasMore).toBe(true);
    await gallery.loadMore();
    await gallery.loadMore();
    expect(ids(gallery.items)).toEqual([5, 4, 3, 2, 1]);
    expect(gallery.hasMore).toBe(false);
    await gallery.loadMore(); // nothing more to ask
    expect(calls.get('gallery.list')).toEqual([{ limit: PAGE_SIZE }, { limit: PAGE_SIZE, cursor: '4' }, { limit: PAGE_SIZE, cursor: '2' }]);
    expect(gallery.filtered).toBe(false);
  });

  test('a new search starts over; a slower page of the old list arriving later is dropped', async () => {
    let releaseOld: (() => void) | undefined;
    const serve = library(6, 3);
    const { api } = fakeApi({
      gallery: {
        list: async (q: GalleryQueryDto) => {
          if (q.cursor !== undefined) await new Promise<void>((r) => { releaseOld = r; });
          return serve(q);
        },
      },
    });
    const gallery = new GalleryState(api, new Toasts());
    await gallery.reload();
    const version = gallery.listVersion;
    const stale = gallery.loadMore();
    gallery.searchText = 'p1';
    await gallery.reload();
    releaseOld!();
    await stale;
    expect(ids(gallery.items)).toEqual([1]);
    expect(gallery.filtered).toBe(true);
    expect(gallery.listVersion).toBe(version + 1);
    expect(gallery.loading).toBe(false);
  });

  test('events: a deleted item leaves, Undo puts it back in order; an added one is merged at the top', async () => {
    let restoredAsked: number[] = [];
    const serve = library(3, 10);
    const { api, emit } = fakeApi({
      gallery: {
        list: serve,
        delete: async ({ generationIds }: { generationIds: number[] }) => ({ deleted: generationIds }),
        undoDelete: async ({ generationIds }: { generationIds: number[] }) => { restoredAsked = generationIds; return { restored: generationIds }; },
      },
    });
    const toasts = new Toasts();
    const gallery = new GalleryState(api, toasts);
    await gallery.reload();
    expect(await gallery.remove([2])).toBe(true);
    expect(ids(gallery.items)).toEqual([3, 1]);
    expect(toasts.items.at(-1)).toMatchObject({ message: 'Image deleted.', action: { label: 'Undo' } });
    await toasts.runAction(toasts.items.at(-1)!);
    expect(restoredAsked).toEqual([2]);
    expect(ids(gallery.items)).toEqual([3, 2, 1]);

    emit('onGalleryEvent', { type: 'deleted', generationIds: [3] });
    expect(ids(gallery.items)).toEqual([2, 1]);
    emit('onGalleryEvent', { type: 'restored', generationIds: [3] });
    expect(ids(gallery.items)).toEqual([3, 2, 1]);
  });
});
