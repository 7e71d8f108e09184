// Measured speed-ups. A baseline run (every evaluation full, nothing pruned) records its seconds per UNet
// evaluation (the median) for (model, provider, size, sampler, steps); any later run with the same key is
// compared with that: speed-up = baseline seconds per evaluation × evaluations / this run's steady-state
// UNet-loop seconds ('measured'; steady-time.ts says why steady-state). Without a record the baseline is
// estimated from this run itself: its seconds per full-evaluation equivalent (steady seconds / (evaluations
// × MAC fraction)) × evaluations, i.e. speed-up = 1 / MAC fraction ('estimated'). Records keep the last few
// baseline runs and use their mean. A hires-fix run is keyed by its second pass's settings too: only a baseline
// with the same two passes ran the same evaluations at the same sizes.
import type { HiresParamsDto, SpeedupDto } from '../../preload/contract';
import type { AppStateRepo } from '../db/app-state-repo';

export interface SpeedupKey {
  modelId: number;
  provider: string;
  width: number;
  height: number;
  sampler: string;
  steps: number;
  hires?: HiresParamsDto;
}

export interface RunMeasurement {
  key: SpeedupKey;
  evaluations: number;
  /** Steady-state UNet-loop seconds (steadyLoopSeconds). */
  unetSeconds: number;
  /** Every evaluation was a full one and nothing was pruned. */
  isBaseline: boolean;
  /** MAC fraction of this run's plan (only asked for when no baseline was measured). */
  macFraction: () => Promise<number>;
}

interface BaselineRecord { secondsPerEvaluation: number[] }

const KEEP_RUNS = 5;

function isRecord(v: unknown): v is BaselineRecord {
  const s = (v as BaselineRecord | null)?.secondsPerEvaluation;
  return Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
}

const stateKey = (k: SpeedupKey): string =>
  `baseline:${k.modelId}|${k.provider}|${k.width}x${k.height}|${k.sampler}|${k.steps}`
  + (k.hires ? `|hires:${k.hires.scale}|${k.hires.steps}|${k.hires.strength}|${k.hires.upscaler}` : '');

export class SpeedupBook {
  constructor(private readonly state: AppStateRepo) {}

  baselineSecondsPerEvaluation(key: SpeedupKey): number | null {
    const record = this.state.get(stateKey(key), isRecord);
    if (!record) return null;
    return record.secondsPerEvaluation.reduce((a, b) => a + b, 0) / record.secondsPerEvaluation.length;
  }

  /** Record a baseline run (if it is one) and return this run's speed-up. */
  async measure(run: RunMeasurement): Promise<SpeedupDto | null> {
    if (!(run.unetSeconds > 0) || run.evaluations <= 0) return null;
    if (run.isBaseline) {
      const previous = this.state.get(stateKey(run.key), isRecord)?.secondsPerEvaluation ?? [];
      this.state.set(stateKey(run.key), {
        secondsPerEvaluation: [...previous, run.unetSeconds / run.evaluations].slice(-KEEP_RUNS),
      } satisfies BaselineRecord);
    }
    const perEvaluation = this.baselineSecondsPerEvaluation(run.key);
    if (perEvaluation !== null) {
      const baselineUnetSeconds = perEvaluation * run.evaluations;
      return { value: baselineUnetSeconds / run.unetSeconds, basis: 'measured', baselineUnetSeconds };
    }
    const fraction = await run.macFraction();
    if (!(fraction > 0)) return null;
    const baselineUnetSeconds = run.unetSeconds / fraction;
    return { value: baselineUnetSeconds / run.unetSeconds, basis: 'estimated', baselineUnetSeconds };
  }
}
