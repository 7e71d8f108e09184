// npm run bench -- --frontier [--model PATH] [--sampler S] [--steps N] [--cfg F] [--images K] [--modes a,b]
//   [--captions held-out|grammar] [--seed-base S] [--plain-steps a,b,…] [--calibration FILE] [--adaptive-threshold T] [--json FILE]
// The equal-time frontier: on one prompt set (the demo model's held-out captions, or with --captions grammar
// fresh captions of its training grammar that calibration never draws; seed = seed base + image index; other
// models a small general set), every acceleration mode the engine offers AND the plain sampler at every
// step count from N−1 down to ⌈N/8⌉ (or --plain-steps), each against the N-step baseline image of the same
// prompt and seed. --calibration FILE (the JSON line of `dato-studio calibrate --json`) makes `calibrated` run
// that front's point at the default target instead of the shipped one.
// An acceleration is worth having only where it lies above the plain curve (more PSNR at the same speed-up).
// Runs are interleaved (every run once per image, start rotating) so background load spreads over all of
// them; speed-ups are per-image ratios to that image's baseline, summarised by median and spread.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { planAcceleration, type AccelMode, type AccelPlan } from '../main/engine/accel/plan';
import { estimatePlanCost } from '../main/engine/accel/cost';
import { countKinds } from '../main/engine/accel/schedule';
import { ModelRuntime } from '../main/engine/pipeline/model-runtime';
import { txt2img } from '../main/engine/pipeline/txt2img';
import type { Resources } from '../main/engine/resources';
import type { RuntimeConfig } from '../main/engine/runtime/session-options';
import { createScheduler } from '../main/engine/schedulers/index';
import type { SamplerName } from '../main/engine/schedulers/scheduler';
import { equalTimeSteps, keptMore, type Kept } from '../main/services/equal-time';
import { samplingDefaults } from '../main/services/size-options';
import { readColours } from './colour-adherence';
import { grammarEvalCaptions, loadEvalCaptions, type EvalCaption } from './demo-captions';
import { chooseFrontPoint, DEFAULT_TARGET_SPEEDUP, frontPointSettings } from '../main/engine/accel/calibrated-choice';
import { checkLoad, interleavedOrder, plainStepCounts, spreadOf, type Spread } from './frontier-plan';
import { machineInfo } from './machine';
import { psnr } from '../main/common/stats';
import { ACCEL_MODES } from '../preload/contract/vocabulary';
import { frontierSvg } from './svg-plot';

/**
 * Modes the frontier runs by default: every mode of the vocabulary that plans from its name alone (not custom,
 * which needs a schedule), so a mode added later joins the frontier without an edit here. The baseline is not
 * one of them: it is the reference every run is scored against.
 */
export const FRONTIER_MODES: readonly AccelMode[] = ACCEL_MODES.filter((m) => m !== 'baseline' && plansFromNameAlone(m));

function plansFromNameAlone(mode: AccelMode): boolean {
  try {
    planAcceleration({ mode }, 10);
    return true;
  } catch {
    return false;
  }
}

/** For models other than the demo one (which is judged on its own held-out captions). */
const GENERAL_PROMPTS = [
  'a photo of an astronaut riding a horse on mars', 'a bowl of fruit on a wooden table, soft light',
  'a lighthouse on a cliff at sunset', 'portrait of an old man with a beard, studio lighting',
  'a red sports car on a mountain road', 'a cozy living room with a fireplace', 'a cat sleeping on a windowsill',
  'a city skyline at night with reflections in the river',
];

export interface FrontierOptions {
  modelPath: string;
  sampler: SamplerName;
  steps?: number;
  cfg?: number;
  width?: number;
  height?: number;
  images: number;
  modes?: readonly AccelMode[];
  /** The demo model's caption set: its held-out eval captions (default) or fresh captions of its grammar. */
  captions?: 'held-out' | 'grammar';
  /** Image i uses seed seedBase + i (default 0). */
  seedBase?: number;
  /** Plain step counts to run instead of every count from N−1 down to ⌈N/8⌉. */
  plainSteps?: readonly number[];
  /** `adaptive` at this threshold instead of its default. */
  adaptiveThreshold?: number;
  /** A calibration front (`calibrate --json`) whose default-target point `calibrated` runs. */
  calibrationFront?: readonly { schedule: string; pruneRatio: number; macSpeedup: number; psnr: number; adaptiveThreshold?: number }[];
  json?: string;
}

interface RunSpec {
  readonly name: string;
  readonly kind: 'baseline' | 'plain' | 'mode';
  readonly mode: AccelMode;
  readonly steps: number;
  readonly plan: AccelPlan;
}

interface RunTally {
  loops: number[]; speedups: number[]; psnrs: number[]; adherent: number; kinds: Record<string, number> | null;
  /** Per image: the MAC fraction of the steps that ran (mean over the images → the run's MAC speed-up). */
  macFractions: number[];
}

export interface FrontierRow {
  readonly run: string;
  readonly kind: RunSpec['kind'];
  readonly mode: AccelMode;
  readonly steps: number;
  readonly step_kinds: Record<string, number>;
  readonly mac_speedup: number;
  /** Per-image baseline loop ÷ this run's loop: median and spread over the images. */
  readonly measured_speedup: Spread;
  readonly unet_loop_s: Spread;
  readonly mean_psnr_vs_baseline: number | null;
  readonly colour_adherence: number | null;
  /** For accelerated runs: the plain run with the same measured time (⌈N / speed-up⌉ steps) and who kept more. */
  readonly equal_time?: VersusPlain;
  /** The same against the plain run with the same MAC cost (⌈N / MAC speed-up⌉ steps): not moved by machine load. */
  readonly equal_macs?: VersusPlain;
}

interface VersusPlain { readonly steps: number; readonly mean_psnr_vs_baseline: number | null; readonly kept: Kept | null }

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

export async function runFrontier(o: FrontierOptions, resources: Resources, runtime: RuntimeConfig): Promise<unknown> {
  const isDemo = resolve(o.modelPath) === resolve(resources.demoModel);
  const rt = await ModelRuntime.open(o.modelPath, runtime, { clipVocab: resources.clipVocab });
  const defaults = samplingDefaults(isDemo, rt.model.hints.imageSize ?? 512);
  const steps = o.steps ?? defaults.steps;
  const cfg = o.cfg ?? defaults.cfg;
  const width = o.width ?? defaults.size;
  const height = o.height ?? defaults.size;
  const evaluationsOf = (n: number): number => createScheduler(o.sampler, { steps: n }).timesteps.length;
  const evaluations = evaluationsOf(steps);

  const heldOut = isDemo ? loadEvalCaptions(resources.demoModel) : null;
  const grammar = o.captions === 'grammar';
  const demo = heldOut && { palette: heldOut.palette, captions: grammar ? grammarEvalCaptions(o.images) : heldOut.captions };
  const captionOf = (i: number): EvalCaption => demo!.captions[i % demo!.captions.length]!;
  const prompts = Array.from({ length: o.images }, (_, i) => (demo ? captionOf(i).caption : GENERAL_PROMPTS[i % GENERAL_PROMPTS.length]!));
  const seedBase = o.seedBase ?? 0;
  const calibratedPoint = o.calibrationFront ? chooseFrontPoint(o.calibrationFront, DEFAULT_TARGET_SPEEDUP) : undefined;
  const planOf = (mode: AccelMode): AccelPlan => planAcceleration(
    mode === 'calibrated' && calibratedPoint ? { mode, ...frontPointSettings(calibratedPoint) }
      : mode === 'adaptive' && o.adaptiveThreshold !== undefined ? { mode, adaptiveThreshold: o.adaptiveThreshold } : { mode },
    evaluations);

  const runs: RunSpec[] = [{ name: `${o.sampler} ${steps}`, kind: 'baseline', mode: 'baseline', steps, plan: planAcceleration({ mode: 'baseline' }, evaluations) }];
  const skipped: { mode: AccelMode; reason: string }[] = [];
  for (const mode of o.modes ?? FRONTIER_MODES) {
    try {
      runs.push({ name: mode, kind: 'mode', mode, steps, plan: planOf(mode) });
    } catch (err) {
      skipped.push({ mode, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const n of o.plainSteps ?? plainStepCounts(steps)) {
    runs.push({ name: `${o.sampler} ${n}`, kind: 'plain', mode: 'baseline', steps: n, plan: planAcceleration({ mode: 'baseline' }, evaluationsOf(n)) });
  }
  const order = interleavedOrder(runs.length, o.images);
  console.error(`bench: frontier: ${runs.length} runs × ${o.images} images = ${order.length} generations (${o.sampler}, ${steps} steps, ${width}×${height}, CFG ${cfg})`);

  const jsonPath = resolve(o.json ?? `frontier-${basename(dirname(o.modelPath))}-${o.sampler}-${steps}.json`);
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const tallies = runs.map((): RunTally => ({ loops: [], speedups: [], psnrs: [], adherent: 0, kinds: null, macFractions: [] }));
  const baselineLoops: number[] = [];
  let round: { run: number; rgb: Uint8Array; loop: number }[] = [];
  // The summary of the images done so far: written after every image (a run cut short keeps its figures) and
  // once more at the end.
  const summarise = (imagesDone: number, loadAfter: number) => {
    const rows: FrontierRow[] = runs.map((spec, i) => {
      const t = tallies[i]!;
      return {
        run: spec.name, kind: spec.kind, mode: spec.mode, steps: spec.steps, step_kinds: t.kinds ?? {},
        // The plain runs' cost is their evaluation count against the baseline's (every evaluation full).
        mac_speedup: spec.kind === 'plain' ? evaluations / spec.plan.kinds.length : 1 / mean(t.macFractions),
        measured_speedup: spreadOf(t.speedups), unet_loop_s: spreadOf(t.loops),
        mean_psnr_vs_baseline: t.psnrs.length ? mean(t.psnrs) : null,
        colour_adherence: demo ? t.adherent / imagesDone : null,
      };
    });
    const plainPsnr = new Map(rows.filter((r) => r.kind !== 'mode').map((r) => [r.steps, r.kind === 'baseline' ? 100 : r.mean_psnr_vs_baseline]));
    const versusPlain = (r: FrontierRow, speedup: number): VersusPlain => {
      const n = equalTimeSteps(steps, speedup);
      const other = plainPsnr.get(n) ?? null;
      return { steps: n, mean_psnr_vs_baseline: other, kept: other === null || r.mean_psnr_vs_baseline === null ? null : keptMore(r.mean_psnr_vs_baseline, other) };
    };
    const withEqualTime = rows.map((r): FrontierRow => (r.kind !== 'mode' ? r
      : { ...r, equal_time: versusPlain(r, r.measured_speedup.median), equal_macs: versusPlain(r, r.mac_speedup) }));

    return {
      machine: machineInfo(),
      config: {
        model: o.modelPath, provider: runtime.provider, sampler: o.sampler, steps, evaluations, cfg, width, height,
        images: imagesDone,
        prompts: !demo ? 'general prompts (cycled)' : grammar ? `${imagesDone} fresh captions of the demo model's grammar (not calibration's)` : `the demo model's held-out captions 0..${imagesDone - 1}`,
        seeds: `${seedBase} + image index`,
        ...(calibratedPoint ? { calibrated_point: calibratedPoint } : {}),
        order: 'interleaved: every run once per image, start rotating with the image',
        wall_s: (performance.now() - started) / 1000,
      },
      load: checkLoad(baselineLoops, loadBefore, loadAfter),
      skipped,
      runs: withEqualTime,
    };
  };
  for (const [i, slot] of order.entries()) {
    const spec = runs[slot.run]!;
    const r = await txt2img(rt, {
      prompt: prompts[slot.image]!, negativePrompt: '', sampler: o.sampler, steps: spec.steps, cfg, eta: 0, width, height,
      seed: seedBase + slot.image, images: 1, accel: spec.plan, previewEvery: 0,
    });
    const image = r.images[0]!;
    const t = tallies[slot.run]!;
    t.kinds ??= countKinds(r.steps.map((s) => s.kind));
    // the kinds that ran: an adaptive run decides them per image, so its cost is known only afterwards
    t.macFractions.push(estimatePlanCost(rt.model, { ...spec.plan, kinds: r.steps.map((s) => s.kind) }, height / 8, width / 8).macFraction);
    if (demo) {
      const c = captionOf(slot.image);
      const read = readColours(image.rgb, image.width, image.height, demo.palette);
      if (read.background === c.background_colour && read.shape === c.shape_colour) t.adherent++;
    }
    round.push({ run: slot.run, rgb: image.rgb, loop: r.timings.unetLoop });
    if (round.length < runs.length) continue;
    // The image's round is complete: score every run against this image's baseline.
    const base = round.find((x) => x.run === 0)!;
    baselineLoops.push(base.loop);
    for (const x of round) {
      const tally = tallies[x.run]!;
      tally.loops.push(x.loop);
      tally.speedups.push(base.loop / x.loop);
      if (x.run !== 0) tally.psnrs.push(Math.min(psnr(x.rgb, base.rgb), 100)); // identical images count as 100 dB
    }
    round = [];
    writeFileSync(jsonPath, `${JSON.stringify({ partial: `${slot.image + 1} of ${o.images} images`, ...summarise(slot.image + 1, os.loadavg()[0]!) }, null, 2)}\n`);
    const elapsed = (performance.now() - started) / 1000;
    const done = (i + 1) / order.length;
    console.error(`bench: frontier: image ${slot.image + 1}/${o.images}, ${elapsed.toFixed(0)} s, ~${(elapsed / done - elapsed).toFixed(0)} s left`);
  }
  const out = summarise(o.images, os.loadavg()[0]!);
  await rt.dispose();
  writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
  // Two plots: measured speed-up (what the user gets here, noisy on a shared machine) and MAC speed-up
  // (what the arithmetic allows; stable).
  const stem = jsonPath.replace(/\.json$/i, '');
  const modelName = basename(dirname(o.modelPath));
  const plotted = [
    { file: `${stem}.svg`, axis: 'measured UNet-loop speed-up (median over images)', x: (r: FrontierRow) => r.measured_speedup.median },
    { file: `${stem}-mac.svg`, axis: 'MAC speed-up (multiply-accumulates of the baseline ÷ this run)', x: (r: FrontierRow) => r.mac_speedup },
  ];
  for (const p of plotted) {
    writeFileSync(p.file, frontierSvg({
      title: `${modelName}: ${o.sampler} ${steps} steps, CFG ${cfg}, ${o.images} images`,
      xLabel: p.axis, yLabel: `mean PSNR vs the ${steps}-step image (dB)`,
      line: out.runs.filter((r) => r.kind === 'plain').map((r) => ({ x: p.x(r), y: r.mean_psnr_vs_baseline!, label: String(r.steps) })),
      lineName: `${o.sampler} with fewer steps`,
      points: out.runs.filter((r) => r.kind === 'mode').map((r) => ({ x: p.x(r), y: r.mean_psnr_vs_baseline!, label: r.run })),
      pointsName: `acceleration modes, ${steps} steps`,
    }));
  }
  console.error(`bench: frontier: ${out.load.note}`);
  console.error(`bench: frontier: wrote ${jsonPath}, ${plotted.map((p) => p.file).join(', ')}`);
  return out;
}
