// Fidelity from the library: how much of the baseline picture accelerated runs kept. A Generate run with a
// same-seed baseline in the library (same model, prompts, sampler, steps, CFG, size, seed, add-ons, source picture
// and image-to-image settings; either order)
// gets its PSNR against that baseline, and every run with such a PSNR (Generate runs and comparison members)
// adds to what is known about its preset on that model, sampler and step count — including, for comparison
// members, whether the plain run with the same measured time kept more ("fewer steps, same time").
import type { AccelDto, AppliedAddonsDto, FidelityDto, PresetDto, PresetFidelityDto } from '../../preload/contract';
import { VISIBLE_DIFFERENCE_DB } from '../../preload/contract';
import type { GenerationRecord } from '../db/generation-record';
import type { StudioDb } from '../db/index';
import { median } from '../common/stats';
import { evaluationCount, planAcceleration, type SamplerName } from '../engine/index';
import { accelFromColumns, isPlainRun, toAccelSettings } from './accel-mapping';
import { addonsIdentity } from './addons-service';
import { equalTimeSteps, isEqualTimeRun, keptMore, type Kept } from './equal-time';
import { diffImageFiles } from './image-diff';
import { sourceParams } from './source-images-service';

/** Identical images count as this many dB in medians. */
const IDENTICAL_DB = 100;

/**
 * Two accelerations are the same when they plan the same evaluations ({mode: 'dato'} and the DaTo preset's
 * {mode: 'dato', pruneRatio: 0.4} are one thing); null when the settings do not plan at all.
 */
function planKey(accel: AccelDto, sampler: SamplerName, steps: number): string | null {
  try {
    const p = planAcceleration(toAccelSettings(accel), evaluationCount(sampler, steps));
    return JSON.stringify([p.kinds, p.pruneRatios, p.gamma, p.alpha, p.flip]);
  } catch {
    return null;
  }
}

export class FidelityBook {
  constructor(private readonly db: StudioDb) {}

  /**
   * After a Generate run: an accelerated run gets its PSNR against the latest same-seed baseline (stored on
   * its row); a baseline run fills in the PSNR of earlier same-seed accelerated runs that had none.
   */
  async afterRun(generationId: number): Promise<FidelityDto | null> {
    const run = this.db.generations.get(generationId);
    if (!run?.image || run.modelId === null) return null;
    // only runs with the same LoRAs, embeddings, VAE and clip skip (issue 11) and the same source picture, mask
    // and image-to-image settings (issue 9) draw the same picture
    const inputs = this.inputsOf(run.id);
    const others = this.db.generations.sameSeedRuns(run)
      .filter((r) => r.id !== run.id && r.image && !r.image.missing && this.inputsOf(r.id) === inputs);
    if (isPlainRun(run)) {
      for (const r of others.filter((o) => !isPlainRun(o) && o.psnrVsBaseline === null)) await this.store(run, r);
      return null;
    }
    const baseline = others.filter(isPlainRun).at(-1);
    if (!baseline) return null;
    const psnr = await this.store(baseline, run);
    return psnr === null ? null : { psnr: Number.isFinite(psnr) ? psnr : null, baselineGenerationId: baseline.id };
  }

  /** What a run drew from besides its prompt, sampling and seed: add-ons and source picture, as one comparable key. */
  private inputsOf(generationId: number): string {
    const addons = addonsIdentity(this.db.addons.applied(generationId) as AppliedAddonsDto | null);
    return JSON.stringify([addons, sourceParams(this.db, generationId)]);
  }

  private async store(baseline: GenerationRecord, run: GenerationRecord): Promise<number | null> {
    try {
      const { psnr } = await diffImageFiles(baseline.image!.path, run.image!.path);
      this.db.generations.setPsnrVsBaseline(run.id, psnr);
      return psnr;
    } catch (err) {
      console.error(`[studio] fidelity of generation ${run.id}: could not compare with ${baseline.id}:`, err);
      return null;
    }
  }

  /** Per preset with at least one measured run: its median PSNR and its record against fewer steps. */
  presetFidelity(modelId: number, sampler: SamplerName, steps: number, presets: readonly PresetDto[]): PresetFidelityDto[] {
    const runs = this.db.generations.listWithPsnr(modelId, sampler, steps).filter((r) => !isPlainRun(r));
    const byKey = new Map<string, GenerationRecord[]>();
    for (const r of runs) {
      const key = planKey(accelFromColumns(r.mode, r.schedule, r.accel), sampler, steps);
      if (key === null) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    return presets.flatMap((preset): PresetFidelityDto[] => {
      const key = planKey(preset.accel, sampler, steps);
      const matching = key === null ? undefined : byKey.get(key);
      if (!matching?.length) return [];
      const medianPsnr = median(matching.map((r) => Math.min(r.psnrVsBaseline!, IDENTICAL_DB)));
      const verdicts = matching.flatMap((r) => { const k = this.equalTimeVerdict(r); return k ? [k] : []; });
      const fewerStepsKeptMore = verdicts.filter((k) => k === 'fewer-steps').length;
      return [{
        presetId: preset.id, runs: matching.length, medianPsnr, equalTimeJudged: verdicts.length, fewerStepsKeptMore,
        costsFidelity: medianPsnr < VISIBLE_DIFFERENCE_DB || (verdicts.length > 0 && fewerStepsKeptMore * 2 > verdicts.length),
      }];
    });
  }

  /** A comparison member against its group's plain run with the same measured time, when both are known. */
  private equalTimeVerdict(r: GenerationRecord): Kept | null {
    if (r.comparisonGroupId === null || r.speedup === null || r.psnrVsBaseline === null) return null;
    const group = this.db.comparisons.get(r.comparisonGroupId);
    if (group?.baselineGenerationId == null) return null;
    const members = this.db.comparisons.members(group.id);
    const baseline = members.find((m) => m.id === group.baselineGenerationId);
    if (!baseline) return null;
    const n = equalTimeSteps(baseline.steps, r.speedup);
    if (n >= baseline.steps) return keptMore(r.psnrVsBaseline, Infinity);
    const plain = members.find((m) => isEqualTimeRun(m, baseline) && m.steps === n && m.psnrVsBaseline !== null);
    return plain ? keptMore(r.psnrVsBaseline, plain.psnrVsBaseline!) : null;
  }
}
