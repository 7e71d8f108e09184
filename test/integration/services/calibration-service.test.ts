// Calibrate through the contract (dispatch → calibration service → engine, real demo model and library): a
// run publishes its progress with an ETA, holds the engine (a second start and a start while generations are
// queued are refused 'engine-busy'; a generation queued meanwhile waits, saying why, and runs after it), is
// cancelled and resumed, and stores its front; the front lists per model, a point saved as a preset reruns
// that exact schedule, and `calibrated` says what it expects before running (or that it has no calibration).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalibrateParams, CalibrationRunDto, JobDto, Result } from '../../../preload/contract';
import { candidateKey, priorCandidates } from '../../../main/engine/accel/calibration-search';
import { SHIPPED_DEMO_CALIBRATION } from '../../../main/engine/index';
import { openTestStudio, quickParams, settled, type TestStudio } from './studio-fixture';

const ok = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

describe('calibration service', () => {
  let t: TestStudio;
  const runs: CalibrationRunDto[] = [];
  const jobEvents: JobDto[] = [];
  const call = (method: string, args: unknown): Promise<Result<unknown>> => t.studio.dispatch(method, args, { remote: true });
  const untilFinished = (runId: string): Promise<CalibrationRunDto> => new Promise((resolve) => {
    const check = (): boolean => {
      const run = t.studio.calibration.current();
      if (run?.id === runId && run.state !== 'running') { resolve(run); return true; }
      return false;
    };
    if (check()) return;
    const off = t.studio.events.connect((event) => { if (event === 'onCalibrationEvent' && check()) off(); });
  });
  // 6 DDIM steps at 128×128 on the demo model's 12 grammar prompts: a few seconds of search
  const params: CalibrateParams = { modelId: null, sampler: 'ddim', steps: 6, cfg: 5, width: 128, height: 128, minutes: 0.15 };

  beforeAll(async () => {
    t = await openTestStudio();
    t.studio.events.connect((event, payload) => {
      if (event === 'onCalibrationEvent') runs.push((payload as { run: CalibrationRunDto }).run);
      if (event === 'onJobEvent' && (payload as { type: string }).type === 'job') jobEvents.push((payload as { job: JobDto }).job);
    });
  });
  afterAll(async () => { await t?.close(); });

  it('refuses to start while generations are queued', async () => {
    const [job] = ok<JobDto[]>(await call('generation.enqueue', quickParams({ steps: 4 })));
    const refused = await call('calibration.start', params);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('engine-busy');
      expect(refused.error.message).toMatch(/generating \(1 job in the queue\)/);
    }
    await settled(t.studio, job!.id);
  }, 60_000);

  it('holds the engine: a second start is refused, a generation waits for it; cancel keeps what was measured', async () => {
    const run = ok<CalibrationRunDto>(await call('calibration.start', { ...params, minutes: 5 }));
    expect(run.state).toBe('running');
    expect(run.modelName).toBe(t.studio.models.describe(null).name);
    const again = await call('calibration.start', params);
    expect(!again.ok && again.error.code).toBe('engine-busy');
    const [job] = ok<JobDto[]>(await call('generation.enqueue', quickParams({ steps: 4 })));
    // progress in the search phase, with an ETA inside the budget
    await new Promise<void>((resolve) => {
      const off = t.studio.events.connect((event, payload) => {
        const p = (payload as { run?: CalibrationRunDto }).run?.progress;
        if (event === 'onCalibrationEvent' && p?.phase === 'search' && p.candidates >= 2) { off(); resolve(); }
      });
    });
    const progress = t.studio.calibration.current()!.progress!;
    expect(progress.etaSeconds).toBeGreaterThan(0);
    expect(progress.etaSeconds).toBeLessThanOrEqual(5 * 60);
    expect(runs.some((r) => r.progress?.phase === 'baseline')).toBe(true);
    const waiting = jobEvents.filter((j) => j.id === job!.id).at(-1)!;
    expect(waiting.state).toBe('loading');
    expect(waiting.loadStage).toBe(`Waiting: the engine is calibrating ${run.modelName}`);

    expect(ok<{ cancelled: boolean }>(await call('calibration.cancel', { runId: run.id }))).toEqual({ cancelled: true });
    const stopped = await untilFinished(run.id);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.error?.message).toMatch(/start the same calibration again to resume/);
    expect((await settled(t.studio, job!.id)).state).toBe('done');
    expect(ok<unknown[]>(await call('calibration.list', { modelId: null }))).toEqual([]);
  }, 120_000);

  it('resumes, stores the front, lists it, and a point saved as a preset reruns its exact schedule', async () => {
    // same settings as the cancelled run (minutes are not part of the key): it resumes
    const run = ok<CalibrationRunDto>(await call('calibration.start', params));
    const done = await untilFinished(run.id);
    expect(done.state).toBe('done');
    expect(done.resumedFrom).toBeGreaterThanOrEqual(2);
    const front = done.calibration!.front;
    expect(front.length).toBeGreaterThan(0);
    console.log(`front: ${front.map((p) => `${p.macSpeedup.toFixed(2)}× ${p.psnr.toFixed(1)} dB`).join(', ')}`);
    const listed = ok<{ steps: number; front: unknown[] }[]>(await call('calibration.list', { modelId: null }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual(done.calibration);

    // before running: `calibrated` resolves to this calibration, and says so
    const sampling = { modelId: null, sampler: 'ddim', steps: 6, cfg: 5, width: 128, height: 128 };
    const expected = ok<{ expected: { source: string } | null; uncalibrated: boolean }>(await call('generation.expectedQuality', { ...sampling, accel: { mode: 'calibrated' } }));
    expect(expected.uncalibrated).toBe(false);
    expect(expected.expected?.source).toBe('calibration of ddim 6 steps, 128×128');

    const point = front[0]!;
    const name = `${point.macSpeedup.toFixed(1)}×, ${point.psnr.toFixed(0)} dB`;
    const accel = { mode: 'calibrated', schedule: point.schedule, pruneRatio: point.pruneRatio };
    const preset = ok<{ id: number; name: string; builtin: boolean; accel: unknown }>(await call('generation.savePreset', { name, accel }));
    expect(preset).toMatchObject({ name, builtin: false, accel });
    const duplicate = await call('generation.savePreset', { name, accel });
    expect(!duplicate.ok && duplicate.error.message).toMatch(/already exists/);
    const saved = ok<{ expected: { macSpeedup: number; psnr: number } | null }>(await call('generation.expectedQuality', { ...sampling, accel }));
    expect(saved.expected).toMatchObject({ macSpeedup: point.macSpeedup, psnr: point.psnr });

    const [job] = ok<JobDto[]>(await call('generation.enqueue', quickParams({ steps: 6, accel: preset.accel as never })));
    const finished = await settled(t.studio, job!.id);
    expect(finished.state).toBe('done');
    expect(finished.result!.schedule).toBe(point.schedule);
  }, 180_000);

  it('a calibration at other settings measures this model\'s stored fronts first (priors), then searches', async () => {
    const [stored] = ok<{ front: { schedule: string; pruneRatio: number }[] }[]>(await call('calibration.list', { modelId: null }));
    // the stored front, then the shipped demo front, resampled to 12 steps (those slower than 2.5× are not measured)
    const priors = priorCandidates([...stored!.front, ...SHIPPED_DEMO_CALIBRATION.front], 12).map(candidateKey);
    const run = ok<CalibrationRunDto>(await call('calibration.start', { ...params, steps: 12, minutes: 5 }));
    await new Promise<void>((resolve) => {
      const off = t.studio.events.connect((event, payload) => {
        const p = (payload as { run?: CalibrationRunDto }).run?.progress;
        if (event === 'onCalibrationEvent' && p?.phase === 'search' && p.candidates > priors.length) { off(); resolve(); }
      });
    });
    ok(await call('calibration.cancel', { runId: run.id }));
    expect((await untilFinished(run.id)).state).toBe('cancelled');
    const state = t.studio.db.db.prepare('SELECT state FROM calibrations WHERE steps = 12').pluck().get() as string;
    const measured = Object.keys((JSON.parse(state) as { measured: Record<string, unknown> }).measured);
    const firstOther = measured.findIndex((k) => !priors.includes(k));
    expect(firstOther).toBeGreaterThan(0);
    expect(measured.slice(0, firstOther)).toEqual(priors.filter((k) => measured.includes(k)));
    console.log(`priors measured first at 12 steps: ${measured.slice(0, firstOther).join('  ')}`);
  }, 120_000);
});
