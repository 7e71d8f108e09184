// The arithmetic cost of an acceleration plan relative to a baseline run (MAC fraction), for the estimated
// speed-up when no baseline has been measured yet. Counting MACs builds the UNet graphs in memory (no ONNX
// Runtime, no weights read: headers only), a few hundred ms for SD 1.5 shapes, so results are cached per
// (model, plan, size) and the parsed model per path.
import type { AccelSettings } from '../engine/accel/plan';
import { planAcceleration } from '../engine/accel/plan';
import { estimatePlanCost } from '../engine/accel/cost';
import { countKinds, formatSchedule } from '../engine/accel/schedule';
import type { PlanCostDto } from '../../preload/contract';
import { Sd1Model } from '../engine/models/sd1-model';
import { createScheduler } from '../engine/schedulers/index';
import type { SamplerName } from '../engine/schedulers/scheduler';
import { openCheckpoint } from '../engine/weights/checkpoint';

export interface PlanCostQuery {
  modelPath: string;
  accel: AccelSettings;
  sampler: SamplerName;
  steps: number;
  width: number;
  height: number;
}

export class PlanCostCache {
  private readonly models = new Map<string, Promise<Sd1Model>>();
  private readonly costs = new Map<string, PlanCostDto>();

  /** Number of UNet evaluations the sampler runs for `steps` (PLMS runs one more). */
  static evaluations(sampler: SamplerName, steps: number): number {
    return createScheduler(sampler, { steps, eta: 0 }).timesteps.length;
  }

  async macFraction(q: PlanCostQuery): Promise<number> {
    return (await this.cost(q)).macFraction;
  }

  async cost(q: PlanCostQuery): Promise<PlanCostDto> {
    const key = JSON.stringify([q.modelPath, q.accel, q.sampler, q.steps, q.width, q.height]);
    const known = this.costs.get(key);
    if (known !== undefined) return known;
    let model = this.models.get(q.modelPath);
    if (!model) {
      model = openCheckpoint(q.modelPath).then((index) => new Sd1Model(index));
      this.models.set(q.modelPath, model);
      model.catch(() => this.models.delete(q.modelPath));
    }
    const plan = planAcceleration(q.accel, PlanCostCache.evaluations(q.sampler, q.steps));
    const estimate = estimatePlanCost(await model, plan, q.height / 8, q.width / 8);
    const cost: PlanCostDto = {
      evaluations: plan.kinds.length, schedule: formatSchedule(plan.kinds), counts: countKinds(plan.kinds),
      macFraction: estimate.macFraction, idealSpeedup: estimate.idealSpeedup,
    };
    this.costs.set(key, cost);
    return cost;
  }
}
