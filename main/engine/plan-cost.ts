// The arithmetic cost of an acceleration plan relative to a baseline run (MAC fraction), for the estimated
// speed-up when no baseline has been measured yet. Counting MACs builds the UNet graphs in memory (no ONNX
// Runtime, no weights read: headers only), a few hundred ms for SD 1.5 shapes, so results are cached per
// (model, plan, size) and the parsed model per path. Runs in the engine process (the app's inspector): the
// checkpoint header is parsed here, never in the Electron main process.
import { planAcceleration } from './accel/plan';
import { estimatePlanCost } from './accel/cost';
import { countKinds, formatSchedule } from './accel/schedule';
import type { PlanCost, PlanCostQuery } from './engine-protocol';
import { EngineError } from './errors';
import { Sd1Model } from './models/sd1-model';
import { evaluationCount } from './schedulers/index';
import { openCheckpoint } from './weights/checkpoint';

export class PlanCostCache {
  private readonly models = new Map<string, Promise<Sd1Model>>();
  private readonly costs = new Map<string, PlanCost>();

  async cost(q: PlanCostQuery): Promise<PlanCost> {
    const key = JSON.stringify([q.modelPath, q.accel, q.sampler, q.steps, q.width, q.height]);
    const known = this.costs.get(key);
    if (known !== undefined) return known;
    let plan;
    try {
      plan = planAcceleration(q.accel, evaluationCount(q.sampler, q.steps));
    } catch (err) {
      throw new EngineError('invalid-parameters', (err as Error).message);
    }
    let model = this.models.get(q.modelPath);
    if (!model) {
      model = openCheckpoint(q.modelPath).then((index) => new Sd1Model(index));
      this.models.set(q.modelPath, model);
      model.catch(() => this.models.delete(q.modelPath));
    }
    const estimate = estimatePlanCost(await model, plan, q.height / 8, q.width / 8);
    const cost: PlanCost = {
      evaluations: plan.kinds.length, schedule: formatSchedule(plan.kinds), counts: countKinds(plan.kinds),
      macFraction: estimate.macFraction, idealSpeedup: estimate.idealSpeedup, fullMacs: estimate.fullMacs,
      pruneRatios: [...new Set(plan.pruneRatios)],
    };
    this.costs.set(key, cost);
    return cost;
  }
}
