// Everything an accelerated sampling loop keeps between UNet evaluations, behind one object: the feature
// cache (UNetRunner), DaTo's runtime state (previous ε, dynamics, selection randomness), ε forecasting and
// the per-step policy (a fixed schedule, or the adaptive rule). txt2img() asks it for one ε per evaluation
// and never looks inside; `reset()` starts a new generation.
import { AdaptiveRule } from '../accel/adaptive';
import { selectBaseTokens, type SelectionRandomness } from '../accel/base-tokens';
import { prunedTokenCount } from '../accel/cost';
import { tokenDynamics } from '../accel/dynamics';
import { ForecastHistory } from '../accel/forecast';
import type { AccelPlan } from '../accel/plan';
import type { StepKind } from '../accel/schedule';
import { createRng } from './rng';
import type { ModelRuntime } from './model-runtime';
import { UNetRunner, type EvaluationStats, type KindChooser, type PruningInputs, type UNetInputs } from './unet-runner';

export interface LatentGrid { readonly images: number; readonly channels: number; readonly height: number; readonly width: number }

export interface AcceleratedEps {
  readonly eps: Float32Array;
  readonly kind: StepKind;
  readonly stats: EvaluationStats;
  /** Tokens pruned per pruned block (0 when nothing was pruned). */
  readonly prunedTokens: number;
}

export class AccelerationState {
  private readonly unet: UNetRunner;
  private readonly rule: AdaptiveRule | undefined;
  private readonly epsHistory = new ForecastHistory();
  private randomness: SelectionRandomness;
  private previousEps: Float32Array | undefined;
  private dynamics: Float32Array | null = null;

  constructor(rt: ModelRuntime, private readonly plan: AccelPlan, private readonly grid: LatentGrid, private readonly seed: number) {
    this.unet = new UNetRunner(rt.model, rt.sessions, rt.variant, 2 * grid.images, grid.height, grid.width, plan.forecast);
    this.rule = plan.adaptive ? new AdaptiveRule(plan.adaptive) : undefined;
    this.randomness = selectionRandomness(seed);
  }

  /** Create every session the plan can need, so load time is not counted as sampling time. */
  prepare(contextLength: number): Promise<void> {
    return this.unet.prepare(this.plan.kinds, this.plan.pruneRatios.map((r) => r > 0), contextLength);
  }

  /** Forget everything from the previous generation (and free cached device memory). */
  reset(): void {
    this.unet.reset();
    this.rule?.reset();
    this.epsHistory.reset();
    this.randomness = selectionRandomness(this.seed);
    this.previousEps = undefined;
    this.dynamics = null;
  }

  async evaluate(index: number, inputs: UNetInputs): Promise<AcceleratedEps> {
    const { height: h, width: w, images, channels } = this.grid;
    const count = prunedTokenCount(this.plan.pruneRatios[index]!, h, w);
    const pruning: PruningInputs | undefined = count > 0 ? {
      count,
      baseTokens: () => selectBaseTokens(this.plan.useDynamics ? this.dynamics : null,
        { height: h, width: w, images, gamma: this.plan.gamma, alpha: this.plan.alpha, flip: this.plan.flip }, this.randomness),
    } : undefined;
    const rule = this.rule;
    const request: StepKind | KindChooser = rule ? (head) => rule.decide(head) : this.plan.kinds[index]!;
    const ran = await this.unet.evaluate(request, inputs, pruning);
    const t = inputs.timesteps[0]!;
    let eps = ran.eps;
    // forecasts extrapolate exact values only: a medium or shallow ε serves its own step
    if (ran.kind === 'skip' && this.plan.forecast) eps = this.epsHistory.at(t) ?? eps;
    if (ran.kind === 'full') this.epsHistory.push(t, eps);
    // dynamics for the next evaluation: |ε_k − ε_{k−1}| of the raw batched outputs (lagged by one call)
    this.dynamics = this.previousEps ? tokenDynamics(eps, this.previousEps, 2 * images, channels) : null;
    this.previousEps = eps;
    return { eps, kind: ran.kind, stats: ran.stats, prunedTokens: ran.stats.prunedBlocks > 0 ? count : 0 };
  }
}

/** Uniform + Gaussian draws for DaTo's base-token choice, seeded from the image seed. */
function selectionRandomness(seed: number): SelectionRandomness {
  const rng = createRng(BigInt(seed) ^ 0x6461746fn); // 'dato': a stream apart from the latent noise
  return {
    randn: (n) => rng.randn(n),
    uniform: () => 0.5 * (1 + erf(rng.randn(1)[0]! / Math.SQRT2)), // Φ(z) is uniform on (0, 1)
  };
}

/** Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): enough to turn a Gaussian draw into a coin flip. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
