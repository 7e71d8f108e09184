// The engine's calibrate messages end to end through the host (worker thread, the embedded demo model): a run
// reports progress in its three phases and the state after every measured schedule, and answers with a
// Pareto front; a cancel stops it with 'cancelled' after the current image; a stopped run's state resumes.
// Tiny on purpose: 6 DDIM steps at 128×128, 2 prompts, a few seconds of budget.
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, EngineError, resolveResources, spawnThread, type CalibrateRequest, type CalibrationState } from '../../../main/engine/index';
import { buildEngineWorker } from '../services/studio-fixture';

const resources = resolveResources();
const engine = new Engine({ spawn: spawnThread, workerScript: buildEngineWorker(), clipVocab: resources.clipVocab });
afterAll(() => engine.close());

const request: CalibrateRequest = {
  modelPath: resources.demoModel, provider: 'cpu', sampler: 'ddim', steps: 6, cfg: 5, width: 128, height: 128,
  prompts: ['a red circle on a blue background', 'a small green triangle on a white background'], minutes: 0.12,
};

describe('engine calibrate messages', () => {
  let stopped: CalibrationState | undefined;

  it('cancel: stops with "cancelled" after the current image, having reported progress and its state', async () => {
    const phases: string[] = [];
    const states: CalibrationState[] = [];
    let job: ReturnType<Engine['calibrate']> | undefined;
    job = engine.calibrate({ ...request, minutes: 5 }, {
      onProgress: (p) => {
        phases.push(p.phase);
        expect(p.fraction).toBeGreaterThanOrEqual(0);
        expect(p.fraction).toBeLessThanOrEqual(1);
        expect(p.message).not.toBe('');
      },
      // cancel once two schedules are measured: the state to resume from holds them
      onState: (s) => { states.push(s); if (Object.keys(s.measured).length === 2) engine.cancel(job!.id); },
    });
    const error = await job.result.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('cancelled');
    expect(phases[0]).toBe('baseline');
    expect(phases).toContain('search');
    expect(phases).not.toContain('verify');
    expect(states.length).toBeGreaterThanOrEqual(2);
    stopped = states.at(-1);
    console.log(`cancelled after ${Object.keys(stopped!.measured).length} schedules measured`);
  }, 120_000);

  it('result: resumes from the stopped state and answers with a front, fastest to most faithful', async () => {
    expect(stopped).toBeDefined();
    const phases = new Set<string>();
    const result = await engine.calibrate({ ...request, resume: stopped! }, { onProgress: (p) => phases.add(p.phase) }).result;
    expect([...phases]).toEqual(['baseline', 'search', 'verify']);
    // the resumed run starts from what the stopped one measured
    for (const key of Object.keys(stopped!.measured)) expect(result.state.measured[key]).toEqual(stopped!.measured[key]);
    expect(result.candidates).toBeGreaterThanOrEqual(Object.keys(stopped!.measured).length);
    expect(result.front.length).toBeGreaterThan(0);
    for (const p of result.front) {
      expect(p.schedule.split(',')).toHaveLength(request.steps);
      expect(p.schedule).toMatch(/^F(,[FMSK])*$/);
      expect(p.macSpeedup).toBeGreaterThan(1);
      expect(p.psnr).toBeGreaterThan(10);
    }
    // Pareto: a faster point never also keeps more of the baseline
    const bySpeed = [...result.front].sort((a, b) => a.macSpeedup - b.macSpeedup);
    for (let i = 1; i < bySpeed.length; i++) expect(bySpeed[i]!.psnr).toBeLessThan(bySpeed[i - 1]!.psnr);
    console.log(`front: ${result.front.map((p) => `${p.macSpeedup.toFixed(2)}× ${p.psnr.toFixed(1)} dB`).join(', ')} (${result.candidates} schedules, ${result.seconds.toFixed(1)} s)`);
  }, 120_000);
});
