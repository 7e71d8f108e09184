// `dato-studio generate`: one generation from the command line, through the same engine the app uses.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ACCEL_MODES, type AccelSettings } from '../engine/accel/plan';
import { Engine } from '../engine/engine-host';
import type { GenerateRequest, GenerateResult } from '../engine/engine-protocol';
import { resolveResources } from '../engine/resources';
import { PROVIDER_CHOICES } from '../engine/runtime/provider-choice';
import { SAMPLER_NAMES } from '../engine/schedulers/scheduler';
import { readNpy, writeNpy } from '../engine/util/npy';
import { randomSeed } from '../engine/pipeline/rng';
import { writeGenerationPng } from '../images/generation-png';
import { openStudioDb } from '../db';
import { DEFAULT_TARGET_SPEEDUP } from '../engine/accel/calibrated-choice';
import { resolveCalibrated } from '../services/calibrated-schedule';
import { defaultDataDir } from '../services/studio-paths';
import { oneOf, parseFlags, UsageError, type FlagSpec, type ParsedFlags } from './args';
import { HIRES_FLAGS, hiresExtras } from './hires-flags';


export const GENERATE_FLAGS: FlagSpec = {
  model: 'string', prompt: 'string', negative: 'string', steps: 'integer', cfg: 'number', sampler: 'string',
  eta: 'number', width: 'integer', height: 'integer', seed: 'integer', batch: 'integer', noise: 'string',
  ep: 'string', threads: 'integer', out: 'string', 'latents-out': 'string', json: 'boolean',
  mode: 'string', schedule: 'string', 'cache-interval': 'integer', 'prune-ratio': 'string',
  'dato-gamma': 'number', 'dato-alpha': 'number', 'dato-flip': 'number', quiet: 'boolean',
  'target-speedup': 'number', 'adaptive-threshold': 'number',
};

/** Sampling defaults by model: the embedded demo model was trained at 128 px with DDIM 30 / CFG 5. */
export function samplingDefaults(isDemo: boolean, nativeSize: number): { steps: number; cfg: number; size: number } {
  return isDemo ? { steps: 30, cfg: 5, size: 128 } : { steps: 30, cfg: 7.5, size: nativeSize };
}

export function accelFromFlags(f: Record<string, string | number | boolean>): AccelSettings {
  const mode = oneOf('mode', String(f.mode ?? (f.schedule !== undefined ? 'custom' : 'baseline')), ACCEL_MODES);
  const ratio = f['prune-ratio'];
  const settings: AccelSettings = { mode };
  if (f.schedule !== undefined) settings.schedule = String(f.schedule);
  if (f['cache-interval'] !== undefined) settings.cacheInterval = Number(f['cache-interval']);
  if (ratio !== undefined) {
    const values = String(ratio).split(',').map(Number);
    if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`--prune-ratio must be a number or a comma-separated list, got "${ratio}"`);
    settings.pruneRatio = values.length === 1 ? values[0]! : values;
  }
  if (f['dato-gamma'] !== undefined) settings.gamma = Number(f['dato-gamma']);
  if (f['dato-alpha'] !== undefined) settings.alpha = Number(f['dato-alpha']);
  if (f['dato-flip'] !== undefined) settings.flip = Number(f['dato-flip']);
  if (f['adaptive-threshold'] !== undefined) settings.adaptiveThreshold = Number(f['adaptive-threshold']);
  return settings;
}

/**
 * What image-to-image, outpainting and hires fix add to a generation (img2img.ts, hires-flags.ts): parts of the
 * request, A1111 parameters fields, fields for --json, and a last step on the result (only-masked paste-back).
 */
export interface GenerationExtras {
  readonly request: Partial<Pick<GenerateRequest, 'init' | 'hires' | 'width' | 'height'>>;
  readonly parameters: Record<string, string | number>;
  readonly json: Record<string, unknown>;
  finish?(result: GenerateResult): Promise<GenerateResult>;
}

/** Builds the extras once the generation size (flags or the model's default) is known. */
export type ExtrasFor = (size: { width: number; height: number }) => Promise<GenerationExtras>;

export async function runGenerate(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, { ...GENERATE_FLAGS, ...HIRES_FLAGS });
  return runGeneration(f, hiresExtras(f));
}

export async function runGeneration(f: ParsedFlags, extrasFor?: ExtrasFor): Promise<number> {
  if (typeof f.prompt !== 'string') throw new UsageError('--prompt is required');
  const resources = resolveResources();
  const modelPath = resolve(String(f.model ?? resources.demoModel));
  if (!existsSync(modelPath)) throw new UsageError(`--model ${modelPath} does not exist`);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const provider = oneOf('ep', String(f.ep ?? 'auto'), PROVIDER_CHOICES);
  const accel = accelFromFlags(f);

  const engine = new Engine({ clipVocab: resources.clipVocab, keepSessions: false });
  try {
    const info = await engine.inspect(modelPath);
    const d = samplingDefaults(f.model === undefined, info.nativeSize);
    const width = Number(f.width ?? d.size);
    const height = Number(f.height ?? d.size);
    let initialNoise: Float32Array | undefined;
    const batch = Number(f.batch ?? 1);
    if (typeof f.noise === 'string') {
      const npy = readNpy(f.noise);
      const expected = [batch, 4, height / 8, width / 8];
      if (npy.dtype !== 'f4' || npy.shape.join('x') !== expected.join('x')) {
        throw new UsageError(`--noise must be float32 with shape ${expected.join('x')}, got ${npy.dtype} ${npy.shape.join('x')}`);
      }
      initialNoise = npy.data as Float32Array;
    }
    const extras = await extrasFor?.({ width, height });
    const steps = Number(f.steps ?? d.steps);
    const cfg = Number(f.cfg ?? d.cfg);
    const target = Number(f['target-speedup'] ?? DEFAULT_TARGET_SPEEDUP);
    if (!(target >= 1)) throw new UsageError('--target-speedup must be at least 1');
    const studio = openStudioDb(defaultDataDir());
    const resolved = await resolveCalibrated(accel, studio, {
      modelPath, isDemo: f.model === undefined, sampler, steps, cfg, width, height, target,
    }).finally(() => studio.close());
    if (resolved === null) {
      process.stderr.write(`dato-studio: no calibration for this model with ${sampler}, ${steps} steps, CFG ${cfg}, ${width}×${height}; run \`dato-studio calibrate${f.model !== undefined ? ` --model ${modelPath}` : ''} --sampler ${sampler} --steps ${steps} --cfg ${cfg} --width ${width} --height ${height}\` first\n`);
      return 2;
    }
    const expected = resolved.expected;
    if (expected && f.json !== true && f.quiet !== true) {
      process.stderr.write(`calibrated: expected ${expected.macSpeedup.toFixed(2)}× (MAC), ${expected.psnr.toFixed(1)} dB vs the baseline image (${expected.source})\n`);
    }
    const request: GenerateRequest = {
      modelPath, provider, prompt: f.prompt, negativePrompt: String(f.negative ?? ''), sampler,
      steps, cfg, eta: Number(f.eta ?? 0), width, height,
      seed: f.seed !== undefined ? Number(f.seed) : randomSeed(), images: batch, accel: resolved.accel, previewEvery: 0,
      ...(initialNoise ? { initialNoise } : {}), ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}),
      ...extras?.request,
    };
    const quiet = f.json === true || f.quiet === true;
    const job = engine.generate(request, (s) => {
      if (!quiet) process.stderr.write(`\rstep ${s.index + 1}/${s.total} (${s.kind}) ${s.seconds.toFixed(2)} s   `);
    });
    const generated = await job.result;
    const result = extras?.finish ? await extras.finish(generated) : generated;
    if (!quiet) process.stderr.write('\n');
    const outputs = await writeOutputs(f, request, result, info.path, extras?.parameters);
    if (f.json === true) {
      process.stdout.write(`${JSON.stringify({ ...report(request, result, outputs), ...(expected ? { expected } : {}), ...extras?.json })}\n`);
    } else {
      console.log(`${outputs.join(', ')}  (${result.provider.provider}, ${result.plan.mode}, UNet ${result.timings.unetLoop.toFixed(2)} s, total ${result.timings.total.toFixed(2)} s, seed ${request.seed})`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

async function writeOutputs(
  f: Record<string, string | number | boolean>, req: GenerateRequest, result: GenerateResult, modelPath: string,
  extraParameters?: Record<string, string | number>,
): Promise<string[]> {
  if (typeof f['latents-out'] === 'string') writeNpy(f['latents-out'], result.latentShape, result.latents);
  const base = String(f.out ?? `dato-${req.seed}.png`);
  const written: string[] = [];
  for (const [i, image] of result.images.entries()) {
    const path = result.images.length === 1 ? base : base.replace(/(\.png)?$/i, `-${i}.png`);
    await writeGenerationPng(path, image, { request: req, result, imageIndex: i, modelPath, ...(extraParameters ? { extraParameters } : {}) });
    written.push(path);
  }
  return written;
}

function report(req: GenerateRequest, result: GenerateResult, outputs: string[]) {
  const { initialNoise: _noise, init: _init, ...params } = req;
  return {
    parameters: { ...params, initialNoise: req.initialNoise ? 'file' : 'seed' },
    ...(result.img2img ? { img2img: result.img2img } : {}),
    ...(result.hires ? { hires: result.hires } : {}),
    provider: result.provider.provider,
    providerAttempts: result.provider.attempts,
    outputs,
    schedule: result.plan.schedule,
    counts: result.plan.counts,
    plan: result.plan,
    seconds: {
      load: result.timings.load, textEncode: result.timings.textEncode, steps: result.steps.map((s) => s.seconds),
      unetLoop: result.timings.unetLoop, decode: result.timings.decode, total: result.timings.total,
    },
    prunedTokensPerStep: result.steps.map((s) => s.prunedTokens),
    prunedBlocksPerStep: result.steps.map((s) => s.prunedBlocks),
  };
}
