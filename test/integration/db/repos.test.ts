// Models, presets, settings and comparison groups against a real database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudioDb, type StudioDb } from '../../../main/db';
import { DEFAULT_SETTINGS, isSettingKey } from '../../../main/db/settings-repo';
import { completion, fakeImage, newGeneration } from './generation-fixture';

let dir: string;
let s: StudioDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dato-repos-'));
  s = openStudioDb(dir);
});
afterEach(() => {
  s.close();
  rmSync(dir, { recursive: true, force: true });
});

const model = { name: 'SD 1.5', path: '/models/sd15.safetensors', kind: 'single-file' as const, architecture: { family: 'sd1', unet: 859_520_964 }, sizeBytes: 4_265_380_512, fileMtime: 1_700_000_000_123, headerHash: 'abc' };

describe('models', () => {
  it('adds, re-adds at the same path (fingerprint refreshed, name kept), lists, renames, defaults, removes', () => {
    const a = s.models.add(model, 5);
    expect(a).toMatchObject({ ...model, isDefault: false, addedAt: 5 });
    s.models.rename(a.id, 'My SD');
    const again = s.models.add({ ...model, sizeBytes: 1, headerHash: 'def' }, 6);
    expect(again).toMatchObject({ id: a.id, name: 'My SD', sizeBytes: 1, headerHash: 'def', addedAt: 5 });
    const b = s.models.add({ ...model, name: 'another', path: '/models/b', kind: 'diffusers' });
    expect(s.models.list().map((m) => m.name)).toEqual(['another', 'My SD']);
    expect(s.models.getByPath('/models/b')!.id).toBe(b.id);

    expect(s.models.setDefault(a.id)).toBe(true);
    expect(s.models.setDefault(b.id)).toBe(true);
    expect(s.models.getDefault()!.id).toBe(b.id);
    expect(s.models.setDefault(12345)).toBe(false);
    expect(s.models.getDefault()!.id).toBe(b.id);
    expect(s.models.updateFingerprint(a.id, { sizeBytes: 2, fileMtime: 3, headerHash: 'g' }, { family: 'sd1' })).toBe(true);
    expect(s.models.get(a.id)).toMatchObject({ sizeBytes: 2, fileMtime: 3, headerHash: 'g' });
  });

  it('removing a model keeps its generations (model_id becomes NULL)', () => {
    const m = s.models.add(model);
    const id = s.generations.insertPending(newGeneration({ modelId: m.id }));
    expect(s.models.remove(m.id)).toBe(true);
    expect(s.generations.get(id)).toMatchObject({ modelId: null, modelName: null });
  });
});

describe('presets', () => {
  it('lists the six built-ins, which cannot be changed or removed', () => {
    const list = s.presets.list();
    expect(list.map((p) => [p.name, p.mode, p.schedule, p.builtin])).toEqual([
      ['Baseline', 'baseline', null, true], ['Cached-only', 'cached', null, true],
      ['DaTo', 'dato', null, true], ['DaTo fast', 'dato-fast', null, true],
      ['Calibrated', 'calibrated', null, true], ['Adaptive', 'adaptive', null, true],
    ]);
    expect(s.presets.getByName('Cached-only')!.accel).toEqual({ cacheInterval: 3 });
    expect(s.presets.getByName('DaTo')!.accel).toEqual({ pruneRatio: 0.4, gamma: 0.1, alpha: 0.1, flip: 0.5 });
    const dato = s.presets.getByName('DaTo')!;
    expect(() => s.presets.update(dato.id, { ...dato, name: 'x' })).toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
    expect(() => s.presets.remove(dato.id)).toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
  });

  it('user presets: create, duplicate name refused, update, remove', () => {
    const mine = s.presets.create({ name: 'Mine', mode: 'custom', schedule: 'F,S,S,K', accel: { pruneRatio: 0.3 } });
    expect(mine).toMatchObject({ name: 'Mine', builtin: false, schedule: 'F,S,S,K', accel: { pruneRatio: 0.3 } });
    expect(() => s.presets.create({ name: 'DaTo', mode: 'dato', schedule: null, accel: {} }))
      .toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
    expect(() => s.presets.update(mine.id, { name: 'Baseline', mode: 'custom', schedule: null, accel: {} }))
      .toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
    expect(s.presets.update(mine.id, { name: 'Mine 2', mode: 'cached', schedule: null, accel: { cacheInterval: 5 } })).toBe(true);
    expect(s.presets.get(mine.id)).toMatchObject({ name: 'Mine 2', accel: { cacheInterval: 5 } });
    expect(s.presets.remove(mine.id)).toBe(true);
    expect(s.presets.remove(mine.id)).toBe(false);
  });
});

describe('settings', () => {
  it('reads defaults, stores valid values, refuses invalid ones, and resets', () => {
    expect(s.settings.getAll()).toEqual(DEFAULT_SETTINGS);
    s.settings.set('executionProvider', 'cpu');
    s.settings.set('cpuThreads', 4);
    s.settings.set('outputDir', join(dir, 'out'));
    s.settings.set('theme', 'dark');
    expect(s.settings.getAll()).toEqual({ executionProvider: 'cpu', cpuThreads: 4, outputDir: join(dir, 'out'), theme: 'dark', clipSkip: 1, vaeId: null });
    for (const [key, value] of [['cpuThreads', 0], ['cpuThreads', 2.5], ['outputDir', 'relative/path'], ['outputDir', ''],
      ['theme', 'neon'], ['executionProvider', 'directml']] as const) {
      expect(() => s.settings.set(key, value as never), `${key}=${value}`).toThrowError(expect.objectContaining({ code: 'invalid-parameters' }));
    }
    s.settings.reset('cpuThreads');
    expect(s.settings.get('cpuThreads')).toBeNull();
    expect(isSettingKey('theme')).toBe(true);
    expect(isSettingKey('__proto__')).toBe(false);
  });

  it('a stored value that no longer validates reads as the default', () => {
    s.db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"sepia\"')").run();
    expect(s.settings.get('theme')).toBe('system');
  });
});

describe('comparison groups', () => {
  it('groups generations of one prompt/seed with a baseline and per-member metrics', () => {
    const group = s.comparisons.create('a cat', 42, 7);
    const ids = ['baseline', 'cached', 'dato'].map((mode) => {
      const id = s.generations.insertPending(newGeneration({ mode: mode as 'baseline', seed: 42, prompt: 'a cat' }));
      s.generations.markComplete(id, fakeImage(`cmp-${mode}`), completion);
      return id;
    });
    s.comparisons.setBaseline(group.id, ids[0]!);
    s.comparisons.addMember(group.id, ids[1]!);
    s.comparisons.addMember(group.id, ids[2]!);
    s.comparisons.setMetrics(ids[2]!, { psnrVsBaseline: 31.5, speedup: 4.2 });
    expect(s.comparisons.get(group.id)).toEqual({ id: group.id, createdAt: 7, prompt: 'a cat', seed: 42, baselineGenerationId: ids[0] });
    const members = s.comparisons.members(group.id);
    expect(members.map((g) => g.mode)).toEqual(['baseline', 'cached', 'dato']);
    expect(members[2]).toMatchObject({ psnrVsBaseline: 31.5, speedup: 4.2, comparisonGroupId: group.id });
    expect(s.comparisons.listRecent(10).map((g) => g.id)).toEqual([group.id]);

    s.generations.softDelete([ids[1]!]);
    expect(s.comparisons.members(group.id)).toHaveLength(2);
    s.generations.purgeDeleted();
    s.generations.softDelete([ids[0]!]);
    s.generations.purgeDeleted();
    expect(s.comparisons.get(group.id)!.baselineGenerationId).toBeNull();
    expect(s.comparisons.remove(group.id)).toBe(true);
    expect(s.generations.get(ids[2]!)!.comparisonGroupId).toBeNull();
  });
});
