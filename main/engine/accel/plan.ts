// What the user asks for (a preset or a custom schedule, prune ratios, DaTo's score weights) turned into
// one decision per UNet evaluation. Presets:
//   baseline   every evaluation full, no pruning
//   cached     DeepCache-style: full every N-th evaluation (0, N, 2N, …), shallow otherwise (N = 3)
//   dato       the official searched 50-step schedule + token pruning (ratio 0.4) on every non-skip step
//   dato-fast  the official repo's released COCO-30k schedule (51 calls: 5 full) + pruning
//   prune      every evaluation full, with pruning (DaTo's pruning alone)
//   custom     an explicit schedule (and ratios)
//   calibrated a schedule found by calibration for this model, sampler and step count (`schedule`; without
//              one, the shipped calibration of the embedded demo model), with feature forecasting
//   adaptive   no schedule: each step decides at run time from the head's output (adaptive.ts), with
//              feature forecasting
// Schedules written for another step count are stretched/squeezed by `resampleKinds` (schedule.ts).
import { DEFAULT_PRUNE_RATIO, LIMITS, PRUNING_MODES, type AccelMode, type StepKind } from '../../../preload/contract/vocabulary';
import {
  cachedKinds, DATO_COCO_STRATEGY, DATO_SEARCHED_STRATEGY, kindsFromStrategy, parseScheduleString,
  resampleKinds, resampleValues,
} from './schedule';
import { ADAPTIVE_DEFAULT_THRESHOLD, type AdaptiveRuleSettings } from './adaptive';
import { SHIPPED_DEFAULT_POINT } from './shipped-calibration';

export type { AccelMode };

export interface AccelSettings {
  mode: AccelMode;
  /** Explicit schedule (`F,S,K,…`); required for `custom`, overrides the preset's otherwise. */
  schedule?: string;
  /** DeepCache interval N for `cached` (default 3). */
  cacheInterval?: number;
  /** Fraction of tokens pruned in full-resolution self-attention, one value or one per evaluation. */
  pruneRatio?: number | readonly number[];
  /** Weight of the dynamics in the base-token score (default 0.1). */
  gamma?: number;
  /** Weight of the Gaussian noise in the base-token score (default 0.1). */
  alpha?: number;
  /** Probability that γ's sign is flipped for a block call (default 0.5, as the official code). */
  flip?: number;
  /** `adaptive`: recompute when the head's accumulated relative change reaches this (default ADAPTIVE_DEFAULT_THRESHOLD). */
  adaptiveThreshold?: number;
}

export interface AccelPlan {
  readonly mode: AccelMode;
  readonly kinds: readonly StepKind[];
  /** Per evaluation; 0 = no pruning. Always 0 on skip steps. */
  readonly pruneRatios: readonly number[];
  readonly gamma: number;
  readonly alpha: number;
  readonly flip: number;
  /** Dynamics are measured only when caching is on, as in the official code (prune-only never has them). */
  readonly useDynamics: boolean;
  /** Reused steps extrapolate ε and cached features in time (forecast.ts) instead of repeating them. */
  readonly forecast: boolean;
  /** Decide each step's kind at run time (`kinds` is then all full: the most any step can need). */
  readonly adaptive?: AdaptiveRuleSettings;
}

const MAX_PRUNE_RATIO = LIMITS.maxPruneRatio;

function presetKinds(settings: AccelSettings, steps: number): StepKind[] {
  switch (settings.mode) {
    case 'baseline': case 'prune': case 'adaptive': return new Array<StepKind>(steps).fill('full');
    case 'calibrated': return parseScheduleString(SHIPPED_DEFAULT_POINT.schedule);
    case 'cached': return cachedKinds(steps, settings.cacheInterval ?? 3);
    case 'dato': return resampleKinds(kindsFromStrategy(DATO_SEARCHED_STRATEGY.slice(0, -1)), steps);
    case 'dato-fast': return resampleKinds(kindsFromStrategy(DATO_COCO_STRATEGY), steps);
    case 'custom': throw new Error('The custom mode needs a schedule (F,S,K letters, one per step).');
  }
}

export function planAcceleration(settings: AccelSettings, steps: number): AccelPlan {
  if (settings.cacheInterval !== undefined && (!Number.isInteger(settings.cacheInterval) || settings.cacheInterval < 1)) {
    throw new Error('The cache interval must be a whole number ≥ 1.');
  }
  // `adaptive`, and a `calibrated` front point that calibrated the adaptive rule's threshold instead of a schedule
  const adaptive = settings.mode === 'adaptive' || (settings.mode === 'calibrated' && !settings.schedule && settings.adaptiveThreshold !== undefined);
  let kinds = settings.schedule ? parseScheduleString(settings.schedule) : adaptive ? new Array<StepKind>(steps).fill('full') : presetKinds(settings, steps);
  if (kinds.length !== steps) kinds = resampleKinds(kinds, steps);
  kinds[0] = 'full'; // the first evaluation has nothing to reuse

  const pruning = PRUNING_MODES.includes(settings.mode);
  const shipped = settings.mode === 'calibrated' && !settings.schedule && !adaptive ? SHIPPED_DEFAULT_POINT.pruneRatio : 0;
  const ratioSetting = settings.pruneRatio ?? (pruning ? DEFAULT_PRUNE_RATIO : shipped);
  const ratios = typeof ratioSetting === 'number' ? new Array<number>(steps).fill(ratioSetting) : resampleValues(ratioSetting, steps);
  for (const r of ratios) {
    if (!(r >= 0 && r < MAX_PRUNE_RATIO)) throw new Error(`Prune ratio ${r} is out of range: use 0 ≤ ratio < ${MAX_PRUNE_RATIO}.`);
  }
  const flip = settings.flip ?? 0.5;
  if (!(flip >= 0 && flip <= 1)) throw new Error('The flip probability must be between 0 and 1.');
  const threshold = settings.adaptiveThreshold ?? ADAPTIVE_DEFAULT_THRESHOLD;
  if (!(threshold > 0)) throw new Error('The adaptive threshold must be a number above 0.');
  return {
    mode: settings.mode,
    kinds,
    pruneRatios: ratios.map((r, k) => (kinds[k] === 'skip' ? 0 : r)),
    gamma: settings.gamma ?? 0.1,
    alpha: settings.alpha ?? 0.1,
    flip,
    useDynamics: adaptive || kinds.some((k) => k !== 'full'),
    forecast: adaptive || settings.mode === 'calibrated',
    ...(adaptive ? { adaptive: { threshold } } : {}),
  };
}
