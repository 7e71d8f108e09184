// Compare: one prompt and seed through several presets, baseline first, stored as a comparison group. When a
// member finishes, it gets its speed-up against the group's baseline run (measured, same session, steady-state
// UNet times so the baseline does not pay alone for a freshly loaded model's first runs) and its
// PSNR and difference heat map against the baseline image (the heat map is saved next to its image).
// "Fewer steps, same time": once an accelerated member's speed-up is measured, the plain sampler at
// ⌈N / speed-up⌉ steps (same seed) joins the group, so each variant is judged against what the same time
// buys without acceleration (isEqualTimeRun: no extra column is needed to store the pairing).
import { existsSync } from 'node:fs';
import type {
  AccelDto, CompareParams, ComparisonDto, ComparisonMemberDto, EqualTimeDto, JobDto, JobState,
} from '../../preload/contract';
import type { GenerationRecord } from '../db/generation-record';
import type { StudioDb } from '../db/index';
import { writeFileAtomic } from '../common/atomic-file';
import { accelFromColumns } from './accel-mapping';
import type { EventHub } from './event-hub';
import type { GenerationService } from './generation-service';
import { heatmapPathFor } from './heatmap-path';
import { equalTimeSteps, isEqualTimeRun, keptMore } from './equal-time';
import { diffImageFiles } from './image-diff';
import { steadySecondsOf, type RecordedTimings } from './recorded-timings';
import { notFound } from './service-error';

const STORED_STATE: Record<GenerationRecord['status'], JobState> = {
  complete: 'done', failed: 'failed', interrupted: 'interrupted', pending: 'interrupted',
};

/** Baseline first, each distinct variant once. */
export function orderVariants(variants: readonly AccelDto[]): AccelDto[] {
  const seen = new Set<string>();
  const baseline: AccelDto = { mode: 'baseline' };
  return [baseline, ...variants].filter((v) => {
    const key = JSON.stringify(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class CompareService {
  /** Jobs of comparison members by generation id, as last published. */
  private readonly live = new Map<number, JobDto>();
  private metrics: Promise<void> = Promise.resolve();

  constructor(private readonly db: StudioDb, private readonly generation: GenerationService, private readonly events: EventHub) {
    events.connect((event, payload) => {
      if (event !== 'onJobEvent') return;
      const e = payload as { type: string; job?: JobDto };
      if (e.type === 'job' && e.job && e.job.comparisonId !== null && e.job.generationId !== null) this.onJob(e.job);
    });
  }

  start(request: CompareParams): ComparisonDto {
    const { seed: choice, modelId, ...params } = request.params;
    const seed = this.generation.resolveSeed(choice);
    const group = this.db.comparisons.create(params.prompt, seed);
    let jobs: JobDto[];
    try {
      jobs = this.generation.enqueuePlans(orderVariants(request.variants).map((accel) => ({ params, modelId, accel, seed, comparisonId: group.id })));
    } catch (err) {
      this.db.comparisons.remove(group.id);
      throw err;
    }
    this.db.comparisons.setBaseline(group.id, jobs[0]!.generationId!);
    for (const job of jobs) this.live.set(job.generationId!, job);
    return this.get(group.id);
  }

  get(id: number): ComparisonDto {
    const group = this.db.comparisons.get(id);
    if (!group) throw notFound('This comparison');
    const records = this.db.comparisons.members(id);
    const baseline = records.find((r) => r.id === group.baselineGenerationId) ?? records[0];
    const plainRuns = records.filter((r) => isEqualTimeRun(r, baseline));
    return {
      id, createdAt: group.createdAt, prompt: group.prompt, seed: group.seed, width: baseline?.width ?? 0, height: baseline?.height ?? 0,
      sampler: baseline?.sampler ?? 'ddim', steps: baseline?.steps ?? 0, baselineGenerationId: group.baselineGenerationId,
      members: records.filter((r) => !isEqualTimeRun(r, baseline)).map((m) => this.member(m, baseline, plainRuns)),
    };
  }

  list(limit: number): ComparisonDto[] {
    return this.db.comparisons.listRecent(limit).map((g) => this.get(g.id));
  }

  private member(r: GenerationRecord, baseline: GenerationRecord | undefined, plainRuns: readonly GenerationRecord[]): ComparisonMemberDto {
    const job = this.live.get(r.id);
    const timings = r.timings as RecordedTimings | null;
    const psnr = r.psnrVsBaseline !== null && Number.isFinite(r.psnrVsBaseline) ? r.psnrVsBaseline : null;
    return {
      jobId: job?.id ?? null, generationId: r.id, accel: accelFromColumns(r.mode, r.schedule, r.accel),
      state: this.stateOf(r), wallSeconds: timings ? timings.wall ?? timings.total : null,
      unetSeconds: r.unetSeconds, speedup: r.speedup, psnr,
      hasHeatmap: r.image !== null && existsSync(heatmapPathFor(r.image.path)),
      equalTime: baseline && r.id !== baseline.id ? this.equalTime(r, baseline, plainRuns) : null,
    };
  }

  private stateOf(r: GenerationRecord): JobState {
    return this.live.get(r.id)?.state ?? STORED_STATE[r.status];
  }

  /**
   * The variant's plain same-time partner, once measure() has run for it (its PSNR is set then, together with
   * the speed-up against this group's baseline; the speed-up the row had before is against another baseline).
   */
  private equalTime(variant: GenerationRecord, baseline: GenerationRecord, plainRuns: readonly GenerationRecord[]): EqualTimeDto | null {
    if (variant.speedup === null || variant.psnrVsBaseline === null) return null;
    const steps = equalTimeSteps(baseline.steps, variant.speedup);
    const variantPsnr = variant.psnrVsBaseline;
    if (steps >= baseline.steps) {
      return {
        steps, generationId: baseline.id, jobId: this.live.get(baseline.id)?.id ?? null, state: this.stateOf(baseline), isBaseline: true,
        speedup: 1, psnr: null, kept: keptMore(variantPsnr, Infinity),
      };
    }
    const plain = plainRuns.find((p) => p.steps === steps);
    const plainPsnr = plain?.psnrVsBaseline ?? null;
    return {
      steps, generationId: plain?.id ?? null, jobId: plain ? this.live.get(plain.id)?.id ?? null : null, state: plain ? this.stateOf(plain) : null,
      isBaseline: false, speedup: plain?.speedup ?? null, psnr: plainPsnr !== null && Number.isFinite(plainPsnr) ? plainPsnr : null,
      kept: plainPsnr === null ? null : keptMore(variantPsnr, plainPsnr),
    };
  }

  private onJob(job: JobDto): void {
    this.live.set(job.generationId!, job);
    const groupId = job.comparisonId!;
    if (job.state !== 'done') {
      this.publish(groupId);
      return;
    }
    this.metrics = this.metrics
      .then(() => this.measure(groupId, job.generationId!))
      .catch((err: unknown) => console.error(`[studio] comparison ${groupId}: metrics failed:`, err))
      .then(() => this.publish(groupId));
  }

  private publish(groupId: number): void {
    if (this.db.comparisons.get(groupId)) this.events.emit('onComparisonEvent', { comparison: this.get(groupId) });
  }

  /** Speed-up, PSNR and heat map of one finished member against the group's baseline. */
  private async measure(groupId: number, generationId: number): Promise<void> {
    const group = this.db.comparisons.get(groupId);
    const baseline = group?.baselineGenerationId != null ? this.db.generations.get(group.baselineGenerationId) : undefined;
    const member = this.db.generations.get(generationId);
    if (!baseline || !member || baseline.status !== 'complete' || !baseline.image || !member.image) return;
    if (member.id === baseline.id) {
      this.db.comparisons.setMetrics(member.id, { psnrVsBaseline: null, speedup: 1 });
      return;
    }
    const diff = await diffImageFiles(baseline.image.path, member.image.path);
    await writeFileAtomic(heatmapPathFor(member.image.path), diff.heatmap, { replace: true });
    const base = steadySecondsOf(baseline.timings as RecordedTimings | null, baseline.unetSeconds);
    const own = steadySecondsOf(member.timings as RecordedTimings | null, member.unetSeconds);
    const speedup = base && own ? base / own : null;
    this.db.comparisons.setMetrics(member.id, { psnrVsBaseline: diff.psnr, speedup });
    if (speedup !== null && !isEqualTimeRun(member, baseline)) this.queueEqualTime(groupId, baseline, speedup);
  }

  /** Queue the plain run with the variant's measured time, unless the group has it (or was cancelled). */
  private queueEqualTime(groupId: number, baseline: GenerationRecord, speedup: number): void {
    const steps = equalTimeSteps(baseline.steps, speedup);
    if (steps >= baseline.steps || baseline.modelId === null) return;
    const members = this.db.comparisons.members(groupId);
    if (members.some((m) => m.steps === steps && isEqualTimeRun(m, baseline))) return;
    if (members.some((m) => this.live.get(m.id)?.state === 'cancelled')) return;
    try {
      const [job] = this.generation.enqueuePlans([{
        params: {
          prompt: baseline.prompt, negativePrompt: baseline.negativePrompt, sampler: baseline.sampler, steps, cfg: baseline.cfg,
          width: baseline.width, height: baseline.height,
        },
        modelId: baseline.modelId, accel: { mode: 'baseline' }, seed: baseline.seed, comparisonId: groupId,
      }]);
      if (job) this.live.set(job.generationId!, job);
    } catch (err) {
      // A full queue or a removed model: the variant shows its speed-up without the same-time partner.
      console.error(`[studio] comparison ${groupId}: could not queue the ${steps}-step plain run:`, err);
    }
  }

  /** Resolves when pending metric computations are done (tests). */
  settled(): Promise<void> {
    return this.metrics;
  }
}
