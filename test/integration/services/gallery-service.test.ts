// The gallery over real generations: search, filters, detail with every parameter, favourite, soft delete
// with undo, permanent delete (row and files), reuse parameters, and soft deletes purged at the next start.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

describe('gallery service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dato-gallery-'));
  let t: TestStudio;
  let ids: number[];

  beforeAll(async () => {
    t = await openTestStudio({ dir });
    const prompts = ['a red circle', 'a blue square', 'a green triangle'];
    const jobs = prompts.flatMap((prompt, i) => t.studio.generation.enqueue(quickParams({
      prompt, steps: 2, seed: { mode: 'fixed', value: i }, accel: i === 2 ? { mode: 'cached', cacheInterval: 2 } : { mode: 'baseline' },
    })));
    ids = (await Promise.all(jobs.map((j) => settled(t.studio, j.id)))).map((j) => j.result!.generationId);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists newest first, searches prompts and filters by mode and favourite', () => {
    expect(t.studio.gallery.list({ limit: 10 }).items.map((i) => i.id)).toEqual([...ids].reverse());
    expect(t.studio.gallery.list({ limit: 10, search: 'squ' }).items.map((i) => i.id)).toEqual([ids[1]]);
    expect(t.studio.gallery.list({ limit: 10, mode: 'cached' }).items.map((i) => i.id)).toEqual([ids[2]]);
    t.studio.gallery.setFavourite(ids[0]!, true);
    expect(t.studio.gallery.list({ limit: 10, favouritesOnly: true }).items.map((i) => i.id)).toEqual([ids[0]]);
    const page = t.studio.gallery.list({ limit: 2 });
    expect(t.studio.gallery.list({ limit: 2, cursor: page.nextCursor! }).items.map((i) => i.id)).toEqual([ids[0]]);
  });

  it('lists the prompt history, newest first, searchable', () => {
    expect(t.studio.gallery.prompts(undefined, 10).map((p) => p.prompt)).toEqual(['a green triangle', 'a blue square', 'a red circle']);
    expect(t.studio.gallery.prompts(undefined, 10)[0]).toMatchObject({ uses: 1, lastUsedAt: expect.any(Number) });
    expect(t.studio.gallery.prompts('squ', 10).map((p) => p.prompt)).toEqual(['a blue square']);
    expect(t.studio.gallery.prompts(undefined, 1)).toHaveLength(1);
  });

  it('shows every parameter and gives them back for reuse', () => {
    const d = t.studio.gallery.get(ids[2]!);
    expect(d).toMatchObject({ prompt: 'a green triangle', seed: 2, steps: 2, sampler: 'ddim', cfg: 5, width: 128, height: 128, provider: 'cpu' });
    expect(d.accel).toEqual({ mode: 'cached', cacheInterval: 2 });
    expect(d.parametersText).toContain('Seed: 2');
    expect(d.fileName).toMatch(/\.png$/);
    expect(t.studio.gallery.reuseParameters(ids[2]!)).toMatchObject({ seed: { mode: 'fixed', value: 2 }, accel: { mode: 'cached', cacheInterval: 2 }, batchCount: 1 });
  });

  it('soft-deletes with undo, and deletes rows and files for good when asked', async () => {
    expect(await t.studio.gallery.delete([ids[0]!], false)).toEqual([ids[0]]);
    expect(t.studio.gallery.list({ limit: 10 }).items.map((i) => i.id)).not.toContain(ids[0]);
    expect(t.studio.gallery.undoDelete([ids[0]!])).toEqual([ids[0]]);
    expect(t.studio.gallery.list({ limit: 10 }).items.map((i) => i.id)).toContain(ids[0]);

    const file = t.studio.gallery.filePath(ids[1]!, 'full')!;
    const thumb = t.studio.gallery.filePath(ids[1]!, 'thumb')!;
    expect(await t.studio.gallery.delete([ids[1]!], true)).toEqual([ids[1]]);
    expect(existsSync(file) || existsSync(thumb)).toBe(false);
    expect(t.studio.db.generations.get(ids[1]!)).toBeUndefined();
    expect(() => t.studio.gallery.get(ids[1]!)).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  it('purges soft-deleted images at the next start', async () => {
    const file = t.studio.gallery.filePath(ids[2]!, 'full')!;
    await t.studio.gallery.delete([ids[2]!], false);
    await t.close();
    t = await openTestStudio({ dir });
    expect(t.studio.startup.purged).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(t.studio.gallery.list({ limit: 10 }).items.map((i) => i.id)).toEqual([ids[0]]);
  });
});
