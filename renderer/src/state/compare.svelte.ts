// The Compare view: one prompt and seed through the chosen presets (Baseline always included), the running
// comparison (updated by onComparisonEvent) and the past comparisons.
import type {
  AccelDto, CompareParams, ComparisonDto, GenerateParams, JobState, SamplerName, StudioApi,
} from '../../../preload/contract';
import { LIMITS, TERMINAL_JOB_STATES } from '../../../preload/contract';
import { errorMessage } from '../lib/error-message';
import { randomSeed } from '../lib/random-seed';
import { sizeError } from '../lib/sizes';
import type { PresetsState } from './presets.svelte';

/** Every job of a comparison: the chosen variants and their "fewer steps, same time" plain runs. */
function jobsOf(c: ComparisonDto): { jobId: string | null; state: JobState }[] {
  return [
    ...c.members,
    ...c.members.flatMap((m) => (m.equalTime && !m.equalTime.isBaseline && m.equalTime.state ? [{ jobId: m.equalTime.jobId, state: m.equalTime.state }] : [])),
  ];
}

type Placeholders = Pick<CompareState, 'prompt' | 'negativePrompt' | 'seed' | 'modelId' | 'sampler' | 'steps' | 'cfg' | 'width' | 'height' | 'chosen'>;

export class CompareState {
  prompt = $state('');
  negativePrompt = $state('');
  seed = $state(randomSeed());
  modelId = $state<number | null>(null);
  sampler = $state<SamplerName>('ddim');
  steps = $state(30);
  cfg = $state(7.5);
  width = $state(512);
  height = $state(512);
  /** Chosen presets besides Baseline (ids). */
  chosen = $state.raw<ReadonlySet<number>>(new Set());
  /** The placeholders above: initFrom() fills only the fields still holding them (the user may type first). */
  readonly #placeholders: Placeholders = {
    prompt: this.prompt, negativePrompt: this.negativePrompt, seed: this.seed, modelId: this.modelId, sampler: this.sampler,
    steps: this.steps, cfg: this.cfg, width: this.width, height: this.height, chosen: this.chosen,
  };

  current = $state.raw<ComparisonDto | null>(null);
  past = $state.raw<readonly ComparisonDto[]>([]);
  starting = $state(false);
  error = $state<string | null>(null);

  variants: AccelDto[] = $derived.by(() => {
    const base = this.presets.baseline;
    const others = this.presets.list.filter((p) => this.chosen.has(p.id) && p.id !== base?.id).map((p) => p.accel);
    return [base?.accel ?? { mode: 'baseline' }, ...others];
  });

  problem: string | null = $derived.by(() => {
    if (this.variants.length < 2) return 'Choose at least one preset to compare with Baseline.';
    if (this.variants.length > LIMITS.maxCompareVariants) return `Compare at most ${LIMITS.maxCompareVariants} presets at once.`;
    if (!Number.isInteger(this.steps) || this.steps < LIMITS.minSteps || this.steps > LIMITS.maxSteps) {
      return `Steps must be a whole number from ${LIMITS.minSteps} to ${LIMITS.maxSteps}.`;
    }
    if (!(Number.isInteger(this.seed) && this.seed >= 0 && this.seed <= LIMITS.maxSeed)) return `The seed must be from 0 to ${LIMITS.maxSeed}.`;
    return sizeError(this.width, this.height);
  });

  running = $derived(this.current ? jobsOf(this.current).some((j) => !TERMINAL_JOB_STATES.includes(j.state)) : false);

  constructor(private readonly api: StudioApi, private readonly presets: PresetsState) {
    api.onComparisonEvent(({ comparison }) => {
      if (this.current?.id === comparison.id) this.current = comparison;
      this.past = this.past.some((c) => c.id === comparison.id)
        ? this.past.map((c) => (c.id === comparison.id ? comparison : c))
        : [comparison, ...this.past];
    });
  }

  async load(): Promise<void> {
    try {
      this.past = await this.api.compare.list({ limit: 30 });
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /**
   * Start from what the Generate form holds (model, sampler, steps, size); Cached-only and DaTo chosen. Runs
   * when the app has loaded, which can be after the user started typing here: what they changed is kept.
   */
  initFrom(params: GenerateParams): void {
    const untouched = (field: keyof Placeholders): boolean => this[field] === this.#placeholders[field];
    if (untouched('prompt')) this.prompt = params.prompt;
    if (untouched('negativePrompt')) this.negativePrompt = params.negativePrompt;
    if (untouched('modelId')) this.modelId = params.modelId;
    if (untouched('sampler')) this.sampler = params.sampler;
    if (untouched('steps')) this.steps = params.steps;
    if (untouched('cfg')) this.cfg = params.cfg;
    if (untouched('width') && untouched('height')) {
      this.width = params.width;
      this.height = params.height;
    }
    if (params.seed.mode === 'fixed' && untouched('seed')) this.seed = params.seed.value;
    if (untouched('chosen')) {
      this.chosen = new Set(this.presets.list.filter((p) => p.builtin && (p.accel.mode === 'cached' || p.accel.mode === 'dato')).map((p) => p.id));
    }
  }

  adoptPrompt(prompt: string, negativePrompt: string): void {
    this.prompt = prompt;
    this.negativePrompt = negativePrompt;
  }

  toggle(presetId: number, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(presetId);
    else next.delete(presetId);
    this.chosen = next;
  }

  async start(): Promise<void> {
    if (this.problem) return;
    this.starting = true;
    this.error = null;
    const params: CompareParams = {
      params: {
        modelId: this.modelId, prompt: this.prompt, negativePrompt: this.negativePrompt, sampler: this.sampler,
        steps: this.steps, cfg: this.cfg, width: this.width, height: this.height, seed: { mode: 'fixed', value: this.seed },
      },
      variants: $state.snapshot(this.variants),
    };
    try {
      const comparison = await this.api.compare.start(params);
      this.current = comparison;
      this.past = [comparison, ...this.past.filter((c) => c.id !== comparison.id)];
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.starting = false;
    }
  }

  /** Stop the comparison's queued and running jobs. */
  async cancel(): Promise<void> {
    const jobIds = (this.current ? jobsOf(this.current) : []).flatMap((j) => (j.jobId && !TERMINAL_JOB_STATES.includes(j.state) ? [j.jobId] : []));
    const results = await Promise.allSettled(jobIds.map((jobId) => this.api.generation.cancel({ jobId })));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) this.error = errorMessage(failed.reason);
  }

  async show(comparisonId: number): Promise<void> {
    try {
      this.current = await this.api.compare.get({ comparisonId });
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}
