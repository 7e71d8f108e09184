// Plan cost is an engine request: the studio's `generation.planCost` is answered by the inspector engine
// (which parses the checkpoint's header and builds the graphs), never computed in the app's own process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, spawnThread, type EngineSpawner } from '../../../main/engine/engine-host';
import type { HostMessage } from '../../../main/engine/engine-protocol';
import { openStudio, type Studio } from '../../../main/services/studio';
import type { PlanCostParams } from '../../../preload/contract';
import { buildEngineWorker } from './studio-fixture';

describe('plan cost through the inspector engine', () => {
  let studio: Studio;
  let dir: string;
  const inspectorMessages: HostMessage['type'][] = [];
  const engineMessages: HostMessage['type'][] = [];
  const recording = (into: HostMessage['type'][]): EngineSpawner => (script, opts) => {
    const proc = spawnThread(script, opts);
    return { ...proc, post: (m) => { into.push(m.type); proc.post(m); } };
  };

  beforeAll(async () => {
    const workerScript = buildEngineWorker();
    dir = mkdtempSync(join(tmpdir(), 'dato-plan-cost-'));
    studio = await openStudio({
      dataDir: dir, shell: 'web',
      engine: new Engine({ spawn: recording(engineMessages), workerScript }),
      inspector: new Engine({ spawn: recording(inspectorMessages), workerScript }),
    });
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const params = (accel: PlanCostParams['accel'], sampler: PlanCostParams['sampler'] = 'ddim'): PlanCostParams =>
    ({ modelId: null, accel, sampler, steps: 10, width: 128, height: 128 });

  it('counts the baseline as the whole cost, one evaluation per step (PLMS one more)', async () => {
    const ddim = await studio.generation.planCost(params({ mode: 'baseline' }));
    expect(ddim).toEqual({ evaluations: 10, schedule: Array(10).fill('F').join(','), counts: { full: 10, medium: 0, shallow: 0, skip: 0 }, macFraction: 1, idealSpeedup: 1 });
    expect((await studio.generation.planCost(params({ mode: 'baseline' }, 'plms'))).evaluations).toBe(11);
    expect(inspectorMessages.filter((t) => t === 'plan-cost')).toHaveLength(2);
    expect(engineMessages).not.toContain('plan-cost');
  });

  it('prices a cached schedule below the baseline', async () => {
    const cost = await studio.generation.planCost(params({ mode: 'custom', schedule: 'F,S,K,F,S,K,F,S,K,F' }));
    expect(cost.counts).toEqual({ full: 4, medium: 0, shallow: 3, skip: 3 });
    expect(cost.macFraction).toBeGreaterThan(0.4);
    expect(cost.macFraction).toBeLessThan(1);
    expect(cost.idealSpeedup).toBeCloseTo(1 / cost.macFraction, 10);
  });

  it('answers a plan the engine cannot run with invalid-parameters', async () => {
    await expect(studio.generation.planCost(params({ mode: 'cached', cacheInterval: 0 })))
      .rejects.toMatchObject({ code: 'invalid-parameters', message: expect.stringMatching(/cache interval/) });
  });
});
