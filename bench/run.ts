// npm run bench -- [--model PATH | --random-sd15] [--width W --height H] [--steps N] [--sampler S]
//   [--modes baseline,cached,dato,dato-fast,prune] [--repeat K] [--ep E] [--threads N] [--seed S]
//   [--keep-sessions] [--quality] [--img2img-strength S] [--json FILE]
// npm run bench -- --frontier [--model PATH] [--sampler S] [--steps N] [--cfg F] [--images K] [--modes …] [--json FILE]
//   [--captions held-out|grammar] [--seed-base S] [--plain-steps a,b,…] [--calibration FILE] [--adaptive-threshold T]
// Runs the modes back to back in one process on one model/size/steps/seed and prints (and optionally
// writes) JSON: times are medians over the repeats; errors and PSNR are against the baseline of the
// same seed. --quality adds the demo model's colour adherence on its 64 held-out captions per mode.
// --img2img-strength S times image-to-image instead: the input is the baseline text-to-image picture of the
// seed, every mode's schedule covers the steps that strength runs (img2img-start.ts).
// --frontier measures every mode against the plain sampler at fewer steps instead (frontier.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFlags, oneOf, UsageError } from '../main/cli/args';
import { planAcceleration, type AccelMode } from '../main/engine/accel/plan';
import { ACCEL_MODES, PROVIDER_CHOICES, SAMPLER_NAMES } from '../preload/contract/vocabulary';
import { estimatePlanCost } from '../main/engine/accel/cost';
import { countKinds } from '../main/engine/accel/schedule';
import { ModelRuntime } from '../main/engine/pipeline/model-runtime';
import { txt2img, type Txt2ImgResult } from '../main/engine/pipeline/txt2img';
import { img2img, type InitImage } from '../main/engine/pipeline/img2img';
import { img2imgEvaluations } from '../main/engine/pipeline/img2img-start';
import { resolveResources } from '../main/engine/resources';
import { selectProviderHere } from '../main/engine/runtime/providers';
import { evaluationCount } from '../main/engine/schedulers/index';
import { machineInfo, peakRssMb, resetPeakRss } from './machine';
import { maxAbsDiff, median, psnr } from '../main/common/stats';
import { measureQuality } from './quality';
import { ensureRandomSd15 } from './random-sd15';
import { FRONTIER_MODES, runFrontier, type FrontierOptions } from './frontier';

const FLAGS = {
  model: 'string', 'random-sd15': 'boolean', width: 'integer', height: 'integer', steps: 'integer', sampler: 'string',
  modes: 'string', repeat: 'integer', ep: 'string', threads: 'integer', seed: 'integer', cfg: 'number',
  'keep-sessions': 'boolean', quality: 'boolean', json: 'string', prompt: 'string', 'img2img-strength': 'number',
  frontier: 'boolean', images: 'integer', captions: 'string', 'seed-base': 'integer', 'plain-steps': 'string', 'adaptive-threshold': 'number',
  calibration: 'string',
} as const;

interface ModeRun { result: Txt2ImgResult; peakMb: number }

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS);
  const resources = resolveResources();
  const selection = await selectProviderHere(oneOf('ep', String(f.ep ?? 'cpu'), PROVIDER_CHOICES));
  const modelPath = f['random-sd15'] === true ? await ensureRandomSd15() : resolve(String(f.model ?? resources.demoModel));
  const modeList = (text: string): AccelMode[] => text.split(',').map((m) => oneOf('modes', m, ACCEL_MODES));
  if (f.frontier === true) {
    const runtime = { provider: selection.provider, ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}) };
    await runFrontier({
      modelPath, sampler: oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES), images: Number(f.images ?? 32),
      modes: f.modes !== undefined ? modeList(String(f.modes)).filter((m) => m !== 'baseline') : FRONTIER_MODES,
      ...(f.steps !== undefined ? { steps: Number(f.steps) } : {}), ...(f.cfg !== undefined ? { cfg: Number(f.cfg) } : {}),
      ...(f.width !== undefined ? { width: Number(f.width) } : {}), ...(f.height !== undefined ? { height: Number(f.height) } : {}),
      ...(typeof f.json === 'string' ? { json: f.json } : {}),
      captions: oneOf('captions', String(f.captions ?? 'held-out'), ['held-out', 'grammar'] as const),
      ...(f['seed-base'] !== undefined ? { seedBase: Number(f['seed-base']) } : {}),
      ...(f['adaptive-threshold'] !== undefined ? { adaptiveThreshold: Number(f['adaptive-threshold']) } : {}),
      ...(typeof f['plain-steps'] === 'string' ? { plainSteps: f['plain-steps'].split(',').map(Number) } : {}),
      ...(typeof f.calibration === 'string' ? { calibrationFront: (JSON.parse(readFileSync(f.calibration, 'utf8')) as { front: NonNullable<FrontierOptions['calibrationFront']> }).front } : {}),
    }, resources, runtime);
    return;
  }
  const modes = modeList(String(f.modes ?? 'baseline,cached,dato,dato-fast,prune'));
  if (modes[0] !== 'baseline') modes.unshift('baseline'); // every figure is relative to the baseline
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const steps = Number(f.steps ?? 50);
  const repeat = Number(f.repeat ?? 1);
  const seed = Number(f.seed ?? 42);
  const runtime = { provider: selection.provider, ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}) };
  const rt = await ModelRuntime.open(modelPath, runtime, { clipVocab: resources.clipVocab, keepSessions: f['keep-sessions'] === true });
  const size = rt.model.hints.imageSize ?? 512;
  const width = Number(f.width ?? size);
  const height = Number(f.height ?? size);
  const cfg = Number(f.cfg ?? 7.5);
  const prompt = String(f.prompt ?? 'a photo of an astronaut riding a horse on mars');
  const strength = f['img2img-strength'] === undefined ? null : Number(f['img2img-strength']);
  const params = { prompt, negativePrompt: '', sampler, steps, cfg, eta: 0, width, height, seed, images: 1, previewEvery: 0 };
  let init: InitImage | null = null;
  if (strength !== null) {
    const source = await txt2img(rt, { ...params, accel: planAcceleration({ mode: 'baseline' }, evaluationCount(sampler, steps)) });
    init = { image: source.images[0]!, strength };
  }
  const evaluations = init ? img2imgEvaluations(sampler, steps, init.strength) : evaluationCount(sampler, steps);

  const runs = new Map<AccelMode, ModeRun[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < repeat; r++) {
    for (const mode of modes) {
      resetPeakRss();
      const accel = planAcceleration({ mode }, evaluations);
      const result = init ? await img2img(rt, { ...params, accel, init }) : await txt2img(rt, { ...params, accel });
      runs.get(mode)!.push({ result, peakMb: peakRssMb() });
      console.error(`bench: ${mode} #${r + 1}: UNet loop ${result.timings.unetLoop.toFixed(2)} s`);
    }
  }

  const baseline = runs.get('baseline')![0]!.result;
  const baselineLoop = median(runs.get('baseline')!.map((x) => x.result.timings.unetLoop));
  const out = {
    machine: machineInfo(),
    config: {
      model: modelPath, provider: selection.provider, width, height, steps, evaluations, sampler, cfg, seed, repeat, prompt,
      img2img_strength: strength,
      threads: rt.runtime.threads ?? machineInfo().cores, keep_sessions: f['keep-sessions'] === true,
      note: 'times are medians over the repeats; total_s = text encode + UNet loop + decode (session creation is load_s); peak_rss_mb is per mode on Linux',
    },
    modes: modes.map((mode) => {
      const list = runs.get(mode)!;
      const first = list[0]!.result;
      const plan = planAcceleration({ mode }, evaluations);
      const loop = median(list.map((x) => x.result.timings.unetLoop));
      const fullSteps = first.steps.filter((s) => s.kind === 'full' && s.prunedBlocks === 0).map((s) => s.seconds);
      return {
        mode,
        unet_loop_s: loop,
        total_s: median(list.map((x) => x.result.timings.textEncode + x.result.timings.unetLoop + x.result.timings.decode)),
        load_s: median(list.map((x) => x.result.timings.load)),
        speedup_vs_baseline: baselineLoop / loop,
        latent_max_abs_err_vs_baseline: maxAbsDiff(first.latents, baseline.latents),
        image_psnr_vs_baseline: psnr(first.images[0]!.rgb, baseline.images[0]!.rgb),
        steps: countKinds(first.steps.map((s) => s.kind)),
        mac_fraction: estimatePlanCost(rt.model, plan, height / 8, width / 8).macFraction,
        full_step_s: fullSteps.length ? median(fullSteps) : null,
        peak_rss_mb: Math.max(...list.map((x) => x.peakMb)),
      };
    }),
    ...(f.quality === true ? { quality: await measureQuality(modes, resources, runtime) } : {}),
  };
  await rt.dispose();
  const text = JSON.stringify(out, (_k, v) => (v === Infinity ? 'Infinity' : v), 2);
  if (typeof f.json === 'string') writeFileSync(f.json, `${text}\n`);
  console.log(text);
}

main().catch((err) => {
  console.error(`bench: ${err instanceof UsageError ? err.message : err instanceof Error ? err.stack : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
