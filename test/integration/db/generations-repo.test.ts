// Generations: the pending → complete/failed life cycle, favourites, soft delete + undo + purge, counts,
// and the gallery query (filters, keyset pagination, full-text search with hostile input).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb, type StudioDb } from '../../../main/db';
import { completion, fakeImage, newGeneration } from './generation-fixture';

let dir: string;
let s: StudioDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dato-gen-'));
  s = openStudioDb(dir);
});
afterEach(() => {
  s.close();
  rmSync(dir, { recursive: true, force: true });
});

function completeOne(overrides: Parameters<typeof newGeneration>[0] = {}, createdAt?: number): number {
  const id = s.generations.insertPending(newGeneration(overrides), createdAt);
  s.generations.markComplete(id, fakeImage(id), completion);
  return id;
}

describe('life cycle', () => {
  it('insertPending → markComplete stores the generation, its image and its timings together', () => {
    const model = s.models.add({ name: 'SD 1.5', path: '/m/sd15.safetensors', kind: 'single-file', architecture: { family: 'sd1' }, sizeBytes: 10, fileMtime: 1, headerHash: 'h' });
    const id = s.generations.insertPending(newGeneration({ modelId: model.id, mode: 'dato', schedule: 'F,S,K', accel: { pruneRatio: [0.4, 0.3], gamma: 0.1, flip: 0.5 }, seed: 4_294_967_295 }), 1000);
    expect(s.generations.get(id)).toMatchObject({ status: 'pending', image: null, timings: null, modelName: 'SD 1.5' });
    s.generations.markComplete(id, fakeImage('a'), completion);
    const g = s.generations.get(id)!;
    expect(g).toMatchObject({
      status: 'complete', mode: 'dato', schedule: 'F,S,K', accel: { pruneRatio: [0.4, 0.3], gamma: 0.1, flip: 0.5 },
      seed: 4_294_967_295, provider: 'cpu', timings: completion.timings, unetSeconds: 2, speedup: 1.8, createdAt: 1000,
      favourite: false, deletedAt: null,
    });
    expect(g.image).toMatchObject({ path: '/library/a.png', bytes: 1234, missing: false });
  });

  it('markComplete is all-or-nothing: a second image for the same generation changes nothing', () => {
    const id = completeOne();
    expect(() => s.generations.markComplete(id, fakeImage('again'), completion)).toThrowError(expect.objectContaining({ code: 'internal' }));
    expect(s.generations.get(id)!.image!.path).toBe(`/library/${id}.png`);
    const pending = s.generations.insertPending(newGeneration());
    // Duplicate image path (UNIQUE): the status update inside the same transaction is rolled back too.
    expect(() => s.generations.markComplete(pending, fakeImage(id), completion)).toThrow(/UNIQUE/);
    expect(s.generations.get(pending)).toMatchObject({ status: 'pending', image: null });
    expect(s.db.inTransaction).toBe(false);
  });

  it('markFailed settles only pending rows', () => {
    const id = s.generations.insertPending(newGeneration());
    expect(s.generations.markFailed(id, 'The disk is full')).toBe(true);
    expect(s.generations.get(id)).toMatchObject({ status: 'failed', error: 'The disk is full' });
    expect(s.generations.markFailed(id, 'again', 'interrupted')).toBe(false);
    expect(s.generations.markFailed(completeOne(), 'no')).toBe(false);
  });

  it('countByStatus counts every status, leaving out deleted rows', () => {
    completeOne();
    const deleted = completeOne();
    s.generations.insertPending(newGeneration());
    s.generations.markFailed(s.generations.insertPending(newGeneration()), 'x');
    s.generations.softDelete([deleted]);
    expect(s.generations.countByStatus()).toEqual({ pending: 1, complete: 1, failed: 1, interrupted: 0 });
  });

  it('job id + batch index is unique', () => {
    s.generations.insertPending(newGeneration({ jobId: 'j', batchIndex: 0 }));
    expect(() => s.generations.insertPending(newGeneration({ jobId: 'j', batchIndex: 0 }))).toThrow(/UNIQUE/);
    s.generations.insertPending(newGeneration({ jobId: 'j', batchIndex: 1 }));
  });
});

describe('favourites, soft delete, undo, purge', () => {
  it('soft delete hides from the gallery, undo restores, purge removes rows and returns their files', () => {
    const a = completeOne({}, 1);
    const b = completeOne({}, 2);
    const c = completeOne({}, 3);
    expect(s.generations.setFavourite(b, true)).toBe(true);
    expect(s.generations.listGallery({ limit: 10, favouritesOnly: true }).items.map((g) => g.id)).toEqual([b]);

    expect(s.generations.softDelete([a, b, 999_999], 100)).toEqual([a, b]);
    expect(s.generations.softDelete([a], 101)).toEqual([]);
    expect(s.generations.listGallery({ limit: 10 }).items.map((g) => g.id)).toEqual([c]);
    expect(s.generations.get(a)!.deletedAt).toBe(100);

    expect(s.generations.undoDelete([b])).toEqual([b]);
    expect(s.generations.listGallery({ limit: 10 }).items.map((g) => g.id)).toEqual([c, b]);
    expect(s.generations.get(b)!.favourite).toBe(true);

    expect(s.generations.purgeDeleted(99)).toEqual({ generationIds: [], files: [] });
    const purged = s.generations.purgeDeleted();
    expect(purged.generationIds).toEqual([a]);
    expect(purged.files.sort()).toEqual([`/library/${a}.png`, `/library/thumbnails/${a}.webp`]);
    expect(s.generations.get(a)).toBeUndefined();
    expect(s.images.getByGeneration(a)).toBeUndefined();
    expect(s.db.prepare('SELECT count(*) FROM generations_fts WHERE generations_fts MATCH ?').pluck().get('cat')).toBe(2);
  });
});

describe('gallery', () => {
  it('walks every page exactly once, newest first, with ties on created_at broken by id', () => {
    const ids = Array.from({ length: 23 }, (_, i) => completeOne({}, 1000 + Math.floor(i / 4)));
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = s.generations.listGallery({ limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by model, mode, favourite and date range, and only lists complete rows', () => {
    const m = s.models.add({ name: 'm', path: '/m', kind: 'diffusers', architecture: {}, sizeBytes: 1, fileMtime: 1, headerHash: 'h' });
    const withModel = completeOne({ modelId: m.id }, 10);
    const dato = completeOne({ mode: 'dato' }, 20);
    const cached = completeOne({ mode: 'cached' }, 30);
    s.generations.insertPending(newGeneration({ mode: 'dato' }), 25);
    expect(s.generations.listGallery({ limit: 10, modelId: m.id }).items.map((g) => g.id)).toEqual([withModel]);
    expect(s.generations.listGallery({ limit: 10, mode: 'dato' }).items.map((g) => g.id)).toEqual([dato]);
    expect(s.generations.listGallery({ limit: 10, from: 20, to: 30 }).items.map((g) => g.id)).toEqual([dato]);
    expect(s.generations.listGallery({ limit: 10, from: 20 }).items.map((g) => g.id)).toEqual([cached, dato]);
  });

  it('rejects a malformed cursor with an invalid-parameters error', () => {
    expect(() => s.generations.listGallery({ limit: 10, cursor: "1; DROP TABLE generations" }))
      .toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
  });

  it('full-text search: prefixes, diacritics, quotes and FTS syntax in the input are safe and literal', () => {
    const astronaut = completeOne({ prompt: 'An astronaut riding a horse on the moon' });
    const cafe = completeOne({ prompt: 'Café interior, "warm light", 35mm' });
    const ops = completeOne({ prompt: 'cats AND dogs OR NOT birds NEAR trees' });
    const negOnly = completeOne({ prompt: 'a landscape', negativePrompt: 'horse' });
    const unicode = completeOne({ prompt: '富士山の夕焼け, ultra detailed' });
    const search = (q: string, columns?: 'prompt' | 'prompt-and-negative'): number[] =>
      s.generations.listGallery({ limit: 10, search: q, ...(columns ? { searchColumns: columns } : {}) }).items.map((g) => g.id).sort((x, y) => x - y);

    expect(search('astro')).toEqual([astronaut]);
    expect(search('HORSE moon')).toEqual([astronaut]);
    expect(search('horse', 'prompt-and-negative')).toEqual([astronaut, negOnly].sort((x, y) => x - y));
    expect(search('cafe')).toEqual([cafe]);
    expect(search('"warm light"')).toEqual([cafe]);
    expect(search('warm"')).toEqual([cafe]);
    expect(search('AND')).toEqual([ops]);
    expect(search('NOT birds')).toEqual([ops]);
    expect(search('NEAR(tree')).toEqual([ops]); // punctuation inside a term makes a phrase: "near tree*"
    expect(search('NEAR(cats')).toEqual([]);
    expect(search('富士山の夕焼け')).toEqual([unicode]);
    for (const hostile of ['"', '""', '*', '^cats', 'prompt:cats', '(', ')', 'cats)', '{prompt}:x', '- + :', "'; DROP TABLE generations; --", 'a"b"c*d']) {
      expect(() => search(hostile), hostile).not.toThrow();
    }
    // Nothing searchable (only punctuation) means no text filter at all.
    expect(search('*** ---')).toHaveLength(5);
    expect(search('zebra')).toEqual([]);
  });

  it('the FTS index follows prompt edits and deletions (external-content triggers)', () => {
    const id = completeOne({ prompt: 'red bicycle' });
    s.db.prepare('UPDATE generations SET prompt = ? WHERE id = ?').run('blue tram', id);
    expect(s.generations.listGallery({ limit: 5, search: 'bicycle' }).items).toEqual([]);
    expect(s.generations.listGallery({ limit: 5, search: 'tram' }).items.map((g) => g.id)).toEqual([id]);
    s.db.prepare("INSERT INTO generations_fts (generations_fts) VALUES ('integrity-check')").run();
  });
});
