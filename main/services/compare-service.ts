// Compare: one prompt and seed through several presets, baseline first, stored as a comparison group. When a
// member finishes, it gets its speed-up against the group's baseline run (measured, same session, steady-state
// UNet times so the baseline does not pay alone for a freshly loaded model's first runs) and its
// PSNR and difference heat map against the baseline image (the heat map is saved next to its image).
import { existsSync } from 'node:fs';
import type { AccelDto, CompareParams, ComparisonDto, ComparisonMemberDto, JobDto, JobState } from '../../preload/contract';
import type { GenerationRecord } from '../db/generation-record';
import type { StudioDb } from '../db/index';
import { writeFileAtomic } from '../common/atomic-file';
import { accelFromColumns } from './accel-mapping';
import type { EventHub } from './event-hub';
import type { GenerationService } from './generation-service';
import { heatmapPathFor } from './heatmap-path';
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
    const members = this.db.comparisons.members(id);
    const first = members[0];
    return {
      id, createdAt: group.createdAt, prompt: group.prompt, seed: group.seed, width: first?.width ?? 0, height: first?.height ?? 0,
      baselineGenerationId: group.baselineGenerationId, members: members.map((m) => this.member(m)),
    };
  }

  list(limit: number): ComparisonDto[] {
    return this.db.comparisons.listRecent(limit).map((g) => this.get(g.id));
  }

  private member(r: GenerationRecord): ComparisonMemberDto {
    const job = this.live.get(r.id);
    const timings = r.timings as RecordedTimings | null;
    return {
      jobId: job?.id ?? null, generationId: r.id, accel: accelFromColumns(r.mode, r.schedule, r.accel),
      state: job?.state ?? STORED_STATE[r.status], wallSeconds: timings ? timings.wall ?? timings.total : null,
      unetSeconds: r.unetSeconds, speedup: r.speedup,
      psnr: r.psnrVsBaseline !== null && Number.isFinite(r.psnrVsBaseline) ? r.psnrVsBaseline : null,
      hasHeatmap: r.image !== null && existsSync(heatmapPathFor(r.image.path)),
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
  }

  /** Resolves when pending metric computations are done (tests). */
  settled(): Promise<void> {
    return this.metrics;
  }
}
