// `dato-studio plan`: what a schedule will cost before running it (counts of full/shallow/skip
// evaluations and the estimated fraction of the baseline's multiply-accumulates), answered by the engine.
import { Engine, resolveResources, SAMPLER_NAMES } from '../engine/index';
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
  const resources = resolveResources();
  const { path: modelPath, isDemo } = modelFromFlags(f);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const accel = accelFromFlags(f);
  const engine = new Engine({ clipVocab: resources.clipVocab, keepSessions: false });
  try {
    const d = samplingDefaults(isDemo, (await engine.inspect(modelPath)).nativeSize); // the same defaults as generate
    const width = Number(f.width ?? d.size);
    const height = Number(f.height ?? d.size);
    const cost = await engine.planCost({ modelPath, accel, sampler, steps: Number(f.steps ?? d.steps), width, height });
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
