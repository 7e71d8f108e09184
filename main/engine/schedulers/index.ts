// The one way the pipeline gets a sampler. A scheduler instance belongs to one generation: the multistep
// samplers (PLMS, DPM++ 2M) keep the previous predictions between steps.

import { DdimScheduler } from './ddim';
import { Dpmpp2mScheduler } from './dpmpp-2m';
import { EulerAncestralScheduler } from './euler-ancestral';
import { EulerScheduler } from './euler';
import { PlmsScheduler } from './plms';
import type { SamplerName, Scheduler, SchedulerOptions } from './scheduler';
import { checkStart } from './options';

export type { NoiseSource, SamplerName, Scheduler, SchedulerOptions } from './scheduler';
export { PREDICTIONS, type Prediction } from './prediction';

/** How many UNet evaluations `sampler` runs for `steps` (PLMS runs one more): the length of every plan. */
export function evaluationCount(sampler: SamplerName, steps: number): number {
  return createScheduler(sampler, { steps, eta: 0 }).timesteps.length;
}

export function createScheduler(name: SamplerName, opts: SchedulerOptions): Scheduler {
  const start = opts.start ?? 0;
  if (start !== 0) checkStart(start, opts.steps);
  const shape = { start, prediction: opts.prediction ?? 'eps' } as const;
  switch (name) {
    case 'ddim': return new DdimScheduler(opts.steps, opts.eta ?? 0, shape);
    case 'plms': return new PlmsScheduler(opts.steps, shape);
    case 'euler': return new EulerScheduler(opts.steps, shape);
    case 'euler_a': return new EulerAncestralScheduler(opts.steps, shape);
    case 'dpmpp_2m': return new Dpmpp2mScheduler(opts.steps, shape);
    case 'dpmpp_2m_karras': return new Dpmpp2mScheduler(opts.steps, { karras: true, ...shape });
  }
}
