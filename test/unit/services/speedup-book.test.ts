// Speed-up bookkeeping: a baseline run records seconds per evaluation per (model, provider, size, sampler,
// steps); later runs are measured against the mean of the recorded runs; without a record the estimate is
// 1 / MAC fraction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppStateRepo } from '../../../main/db/app-state-repo';
import { openStudioDb } from '../../../main/db/index';
import { SpeedupBook, type SpeedupKey } from '../../../main/services/speedup-book';

const dir = mkdtempSync(join(tmpdir(), 'dato-speedup-'));
const db = openStudioDb(dir);
afterAll(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

const key: SpeedupKey = { modelId: 1, provider: 'cpu', width: 512, height: 512, sampler: 'ddim', steps: 30 };
const never = async (): Promise<number> => { throw new Error('not asked when a baseline exists'); };

describe('SpeedupBook', () => {
  const book = new SpeedupBook(new AppStateRepo(db.db));

  it('estimates 1 / MAC fraction before any baseline run', async () => {
    expect(await book.measure({ key, evaluations: 30, unetSeconds: 6, isBaseline: false, macFraction: async () => 0.25 }))
      .toEqual({ value: 4, basis: 'estimated', baselineUnetSeconds: 24 });
  });

  it('records baseline runs and measures later runs against their mean', async () => {
    expect(await book.measure({ key, evaluations: 30, unetSeconds: 30, isBaseline: true, macFraction: never }))
      .toEqual({ value: 1, basis: 'measured', baselineUnetSeconds: 30 });
    await book.measure({ key, evaluations: 30, unetSeconds: 36, isBaseline: true, macFraction: never });
    expect(book.baselineSecondsPerEvaluation(key)).toBeCloseTo(1.1, 10);
    const run = await book.measure({ key, evaluations: 30, unetSeconds: 11, isBaseline: false, macFraction: never });
    expect(run).toMatchObject({ basis: 'measured', baselineUnetSeconds: 33 });
    expect(run!.value).toBeCloseTo(3, 10);
  });

  it('keeps records per key (another size is estimated again)', async () => {
    const other = { ...key, width: 768 };
    expect((await book.measure({ key: other, evaluations: 30, unetSeconds: 5, isBaseline: false, macFraction: async () => 0.5 }))!.basis).toBe('estimated');
     // hires fix: a second pass at another size is another run, and so is another second pass
    const hires = { ...key, hires: { scale: 2, steps: 0, strength: 0.7, upscaler: 'latent' as const } };
    expect((await book.measure({ key: hires, evaluations: 60, unetSeconds: 50, isBaseline: false, macFraction: async () => 0.5 }))!.basis).toBe('estimated');
    await book.measure({ key: hires, evaluations: 60, unetSeconds: 90, isBaseline: true, macFraction: never });
    expect((await book.measure({ key: hires, evaluations: 60, unetSeconds: 45, isBaseline: false, macFraction: never }))!.value).toBeCloseTo(2, 10);
    const lanczos = { ...key, hires: { ...hires.hires, upscaler: 'lanczos' as const } };
    expect((await book.measure({ key: lanczos, evaluations: 60, unetSeconds: 50, isBaseline: false, macFraction: async () => 0.5 }))!.basis).toBe('estimated');
  });

  it('returns null when nothing sensible can be said', async () => {
    expect(await book.measure({ key, evaluations: 30, unetSeconds: 0, isBaseline: false, macFraction: never })).toBeNull();
    expect(await book.measure({ key: { ...key, steps: 7 }, evaluations: 7, unetSeconds: 1, isBaseline: false, macFraction: async () => 0 })).toBeNull();
  });
});
