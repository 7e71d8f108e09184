// The engine's calibrate messages end to end through the host (worker thread, the embedded demo model): a run
// reports progress in its three phases and the state after every measured schedule, and answers with a
// Pareto front; a cancel stops it with 'cancelled' after the current image; a stopped run's state resumes.
// Tiny on purpose: 6 DDIM steps at 128×128, 3 prompts, a few seconds of budget.
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, EngineError, resolveResources, spawnThread, type CalibrateRequest, type CalibrationState } from '../../../main/engine/index';
import { buildEngineWorker } from '../services/studio-fixture';

const resources = resolveResources();
const engine = new Engine({ spawn: spawnThread, workerScript: buildEngineWorker(), clipVocab: resources.clipVocab });
afterAll(() => engine.close());

const request: CalibrateRequest = {
  modelPath: resources.demoModel, provider: 'cpu', sampler: 'ddim', steps: 6, cfg: 5, width: 128, height: 128,
  // three prompts: two to search on, one held out to validate the front on (the 'verify' phase)
  prompts: ['a red circle on a blue background', 'a small green triangle on a white background', 'a yellow square on a black background'], minutes: 0.3,
};

describe('engine calibrate messages', () => {
  let stopped: CalibrationState | undefined;

  it('cancel: stops with "cancelled" after the current image, having reported progress and its state', async () => {
    const phases: string[] = [];
    const states: CalibrationState[] = [];
    let job: ReturnType<Engine['calibrate']> | undefined;
    // a prior (an earlier calibration's schedule, here at 12 steps) is measured first, resampled to 6 steps
    job = engine.calibrate({ ...request, minutes: 5, priors: [{ schedule: 'F,K,K,K,K,K,F,K,K,K,K,K', pruneRatio: 0.3 }] }, {
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
    expect(Object.keys(states[0]!.measured)).toEqual(['F,K,K,F,K,K|0.3']);
    stopped = states.at(-1);
    console.log(`cancelled after ${Object.keys(stopped!.measured).length} schedules measured`);
  }, 120_000);

  it('result: resumes from the stopped state and answers with a front, fastest to most faithful', async () => {
    expect(stopped).toBeDefined();
    const phases = new Set<string>();
    const result = await engine.calibrate({ ...request, resume: stopped! }, { onProgress: (p) => phases.add(p.phase) }).result;
    expect([...phases]).toEqual(['baseline', 'search', 'verify']);
    // the resumed run starts from what the stopped one measured
    // (on the search half; validation may have added the held-out prompt's image since)
    for (const [key, before] of Object.entries(stopped!.measured)) {
      expect(result.state.measured[key]!.cost).toBe(before.cost);
      expect(result.state.measured[key]!.images.slice(0, before.images.length)).toEqual(before.images);
    }
    expect(result.candidates).toBeGreaterThanOrEqual(Object.keys(stopped!.measured).length);
    expect(result.front.length).toBeGreaterThan(0);
    // the plain sampler at ⌈6 / target⌉ steps on every prompt: 3 and 2 steps (2× and 3× fewer evaluations)
    expect(result.plain.map((p) => [p.steps, p.macSpeedup])).toEqual([[3, 2], [2, 3]]);
    for (const p of result.plain) expect(p.psnr).toBeGreaterThan(5);
    for (const p of result.front) {
      expect(p.schedule.split(',')).toHaveLength(request.steps);
      expect(p.schedule).toMatch(/^F(,[FMSK])*$/);
      expect(p.macSpeedup).toBeGreaterThan(1);
      expect(p.psnr).toBeGreaterThan(10);
    }
    // Pareto in what the front is ranked by (the cautious fidelity; the mean PSNR need not follow it): a faster
    // point never also keeps more of the baseline
    const bySpeed = [...result.front].sort((a, b) => a.macSpeedup - b.macSpeedup);
    for (let i = 1; i < bySpeed.length; i++) expect(bySpeed[i]!.fidelity).toBeLessThan(bySpeed[i - 1]!.fidelity);
    console.log(`front: ${result.front.map((p) => `${p.macSpeedup.toFixed(2)}× ${p.psnr.toFixed(1)} dB (fidelity ${p.fidelity.toFixed(1)} dB)`).join(', ')} (${result.candidates} schedules, ${result.seconds.toFixed(1)} s)`);
  }, 120_000);

  it('the adaptive rule is a candidate at 12 steps: its threshold is bisected toward the 4× target, its cost measured per image', async () => {
    const adaptive = (state: CalibrationState) => Object.entries(state.measured).filter(([key]) => key.startsWith('adaptive|'));
    let job: ReturnType<Engine['calibrate']> | undefined;
    let last: CalibrationState | undefined;
    job = engine.calibrate({ ...request, steps: 12, minutes: 5 }, {
      onState: (s) => { last = s; if (adaptive(s).length === 4) engine.cancel(job!.id); },
    });
    expect(await job.result.then(() => null, (e: unknown) => (e as EngineError).code)).toBe('cancelled');
    const measured = adaptive(last!).map(([key, m]) => ({ threshold: Number(key.split('|')[1]), m }));
    expect(measured).toHaveLength(4);
    // the default target (4×, with its margin) first: each threshold halves the bracket the others leave
    expect(measured[0]!.threshold).toBe(0.2);
    for (const { m } of measured) {
      // measured on the search half (the first two prompts) until validated
      expect(m.costs).toHaveLength(2);
      expect(m.images).toHaveLength(2);
      expect(m.cost).toBeCloseTo(m.costs!.reduce((a, b) => a + b, 0) / m.costs!.length, 12);
      expect(1 / m.cost).toBeGreaterThan(1);
    }
    const speedups = measured.map(({ threshold, m }) => `${threshold}: ${(1 / m.cost).toFixed(2)}×`);
    console.log(`adaptive thresholds bisected for 4×: ${speedups.join(', ')}`);
    const sorted = [...measured].sort((a, b) => a.threshold - b.threshold);
    for (let i = 1; i < sorted.length; i++) expect(1 / sorted[i]!.m.cost).toBeGreaterThanOrEqual(1 / sorted[i - 1]!.m.cost - 1e-9);
  }, 120_000);
});
