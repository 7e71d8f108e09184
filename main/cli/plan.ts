// `dato-studio plan`: what a schedule will cost before running it (counts of full/shallow/skip
// evaluations and the estimated fraction of the baseline's multiply-accumulates).
import { planAcceleration } from '../engine/accel/plan';
import { estimatePlanCost } from '../engine/accel/cost';
import { countKinds, formatSchedule } from '../engine/accel/schedule';
import { Sd1Model } from '../engine/models/sd1-model';
import { createScheduler } from '../engine/schedulers/index';
import { SAMPLER_NAMES } from '../engine/schedulers/scheduler';
import { openCheckpoint } from '../engine/weights/checkpoint';
import { detectFamily } from '../engine/weights/detect';
import { samplingDefaults } from '../services/size-options';
import { oneOf, parseFlags, type FlagSpec } from './args';
import { accelFromFlags, modelFromFlags } from './generate';

export const PLAN_USAGE = `usage: dato-studio plan [options]   what a schedule costs before running it
  --model PATH --steps N --sampler NAME --width W --height H   as for generate, with the same defaults
  --mode ... --schedule ... --cache-interval N --prune-ratio R[,R...]   as for generate
  --json                  one JSON line`;

const PLAN_FLAGS: FlagSpec = {
  model: 'string', steps: 'integer', sampler: 'string', width: 'integer', height: 'integer', json: 'boolean',
  mode: 'string', schedule: 'string', 'cache-interval': 'integer', 'prune-ratio': 'string',
  'dato-gamma': 'number', 'dato-alpha': 'number', 'dato-flip': 'number',
};

export async function runPlan(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, PLAN_FLAGS);
  const { path, isDemo } = modelFromFlags(f);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const index = await openCheckpoint(path);
  detectFamily(index);
  const model = new Sd1Model(index);
  const d = samplingDefaults(isDemo, model.hints.imageSize ?? 512); // the same defaults as generate
  const width = Number(f.width ?? d.size);
  const height = Number(f.height ?? d.size);
  const evaluations = createScheduler(sampler, { steps: Number(f.steps ?? d.steps) }).timesteps.length;
  const plan = planAcceleration(accelFromFlags(f), evaluations);
  const cost = estimatePlanCost(model, plan, height / 8, width / 8);
  const summary = {
    mode: plan.mode, evaluations, schedule: formatSchedule(plan.kinds), counts: countKinds(plan.kinds),
    pruneRatios: [...new Set(plan.pruneRatios)], macFraction: cost.macFraction, idealSpeedup: cost.idealSpeedup,
    fullEvaluationGMacs: cost.fullMacs / 1e9, width, height,
  };
  if (f.json === true) {
    console.log(JSON.stringify(summary));
  } else {
    const c = summary.counts;
    console.log(`${plan.mode}: ${evaluations} UNet evaluations — ${c.full} full, ${c.shallow} shallow, ${c.skip} skip`);
    console.log(`schedule ${summary.schedule}`);
    console.log(`estimated ${(cost.macFraction * 100).toFixed(1)}% of the baseline's MACs (≈${cost.idealSpeedup.toFixed(2)}× at most); one full evaluation ${summary.fullEvaluationGMacs.toFixed(1)} GMAC at ${width}×${height}`);
  }
  return 0;
}
