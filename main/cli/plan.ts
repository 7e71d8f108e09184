// `dato-studio plan`: what a schedule will cost before running it (counts of full/shallow/skip
// evaluations and the estimated fraction of the baseline's multiply-accumulates), answered by the engine.
import { resolve } from 'node:path';
import { Engine, resolveResources, SAMPLER_NAMES } from '../engine/index';
import { oneOf, parseFlags, type FlagSpec } from './args';
import { accelFromFlags } from './generate';

const PLAN_FLAGS: FlagSpec = {
  model: 'string', steps: 'integer', sampler: 'string', width: 'integer', height: 'integer', json: 'boolean',
  mode: 'string', schedule: 'string', 'cache-interval': 'integer', 'prune-ratio': 'string',
  'dato-gamma': 'number', 'dato-alpha': 'number', 'dato-flip': 'number',
};

export async function runPlan(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, PLAN_FLAGS);
  const resources = resolveResources();
  const modelPath = resolve(String(f.model ?? resources.demoModel));
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const accel = accelFromFlags(f);
  const engine = new Engine({ clipVocab: resources.clipVocab, keepSessions: false });
  try {
    const size = (await engine.inspect(modelPath)).nativeSize;
    const width = Number(f.width ?? size);
    const height = Number(f.height ?? size);
    const cost = await engine.planCost({ modelPath, accel, sampler, steps: Number(f.steps ?? 50), width, height });
    const summary = {
      mode: accel.mode, evaluations: cost.evaluations, schedule: cost.schedule, counts: cost.counts,
      pruneRatios: cost.pruneRatios, macFraction: cost.macFraction, idealSpeedup: cost.idealSpeedup,
      fullEvaluationGMacs: cost.fullMacs / 1e9, width, height,
    };
    if (f.json === true) {
      console.log(JSON.stringify(summary));
    } else {
      const c = summary.counts;
      console.log(`${accel.mode}: ${cost.evaluations} UNet evaluations — ${c.full} full, ${c.shallow} shallow, ${c.skip} skip`);
      console.log(`schedule ${summary.schedule}`);
      console.log(`estimated ${(cost.macFraction * 100).toFixed(1)}% of the baseline's MACs (≈${cost.idealSpeedup.toFixed(2)}× at most); one full evaluation ${summary.fullEvaluationGMacs.toFixed(1)} GMAC at ${width}×${height}`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}
