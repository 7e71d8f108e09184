// `dato-studio generate`: one generation from the command line, through the same engine the app uses.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ACCEL_MODES, candidateProviders, cpuThreadsProblem, DEFAULT_TARGET_SPEEDUP, Engine, EngineError, PREDICTIONS,
  PROVIDER_CHOICES, randomSeed, readNpy, resolveResources, SAMPLER_NAMES, writeNpy,
  type AccelSettings, type GenerateRequest, type GenerateResult, type LoraChoice, type ProviderChoice,
} from '../engine/index';
import { openStudioDb } from '../db';
import { generationImageFormat, writeGenerationImage } from '../images/generation-png';
import { resolveCalibrated } from '../services/calibrated-schedule';
import { DEMO_MODEL_NAME, defaultModelName } from '../services/models-service';
import { samplingDefaults } from '../services/size-options';
import { defaultDataDir } from '../services/studio-paths';
import { oneOf, parseFlags, UsageError, type FlagSpec, type ParsedFlags } from './args';
import { HIRES_FLAGS, HIRES_USAGE, hiresExtras } from './hires-flags';

export const GENERATE_USAGE = `usage: dato-studio generate --prompt TEXT [options]
  --model PATH            a .safetensors file or diffusers folder (default: the embedded demo model)
  --negative TEXT         negative prompt
  --steps N  --cfg F      sampling steps and guidance (default: the model's, demo 30 / 5, SD 1.x 30 / 7.5)
  --sampler NAME          ${SAMPLER_NAMES.join('|')} (default ddim)
  --eta F                 DDIM eta (default 0)
  --width W --height H    multiples of 8, at least 64 (default: the model's native size)
  --seed S --batch N      seed of the first image (default random) and images per run (1–16)
  --noise FILE.npy        float32 initial noise [batch, 4, H/8, W/8] instead of the seeded one
  --ep auto|cpu|cuda|dml|webgpu   execution provider (default auto: CUDA → DirectML → WebGPU → CPU)
  --threads N             CPU threads (default: every core)
  --out FILE              .png (A1111 parameters + dato-studio chunk) or .jpg/.jpeg/.webp (parameters in
                          EXIF UserComment, as A1111); missing folders are created (default dato-SEED.png)
  --latents-out FILE.npy  the final latents
  --json                  one JSON line: parameters, provider, seconds per stage, schedule, pruned tokens
  --quiet                 no progress line
  --mode ${ACCEL_MODES.join('|')}
                          acceleration (default baseline)
  --schedule F,M,S,K,...  custom schedule (full/medium/shallow/skip per step; implies --mode custom)
  --cache-interval N      cached mode: a full evaluation every N (default 3)
  --prune-ratio R[,R...]  DaTo token pruning ratio, one value or one per step (default 0.4)
  --dato-gamma G --dato-alpha A --dato-flip P   DaTo base-token selection (defaults 0.1, 0.1, 0.5)
  --lora PATH[:W[:W_TE]]  a LoRA (repeatable), UNet weight W (default 1) and text-encoder weight (default W)
  --lora-dir DIR          where <lora:name:w> prompt tags find name.safetensors (repeatable; default: the
                          folders of the --lora files)
  --embedding PATH        a textual-inversion embedding (repeatable), used where its file name is in a prompt
  --vae PATH              a VAE .safetensors to decode with instead of the model's
  --clip-skip N           stop the text encoder N−1 layers early (A1111's clip skip; default 1)
  --prediction ${PREDICTIONS.join('|')}   override the model's detected noise (eps) or v prediction
  --target-speedup X      calibrated mode: the stored schedule closest to this MAC speed-up (default ${DEFAULT_TARGET_SPEEDUP};
                          run \`dato-studio calibrate\` first for a model other than the demo model)
  --adaptive-threshold T  adaptive mode: recompute when the head's accumulated relative change reaches T
${HIRES_USAGE}`;

export const GENERATE_FLAGS: FlagSpec = {
  model: 'string', prompt: 'string', negative: 'string', steps: 'integer', cfg: 'number', sampler: 'string',
  eta: 'number', width: 'integer', height: 'integer', seed: 'integer', batch: 'integer', noise: 'string',
  ep: 'string', threads: 'integer', out: 'string', 'latents-out': 'string', json: 'boolean',
  mode: 'string', schedule: 'string', 'cache-interval': 'integer', 'prune-ratio': 'string',
  'dato-gamma': 'number', 'dato-alpha': 'number', 'dato-flip': 'number', quiet: 'boolean',
  'clip-skip': 'integer', prediction: 'string', lora: 'repeated', 'lora-dir': 'repeated', vae: 'string', embedding: 'repeated',
  'target-speedup': 'number', 'adaptive-threshold': 'number',
};

/** The model path a command runs (default: the embedded demo model) and whether it is the demo model. */
export function modelFromFlags(f: ParsedFlags): { path: string; isDemo: boolean } {
  const demo = resolve(resolveResources().demoModel);
  const path = resolve(String(f.model ?? demo));
  if (!existsSync(path)) throw new UsageError(`--model ${path} does not exist`);
  return { path, isDemo: path === demo };
}

/** --out's format and folder, checked before any work: an unknown extension or a path that cannot be a folder fails here. */
function prepareOut(out: string): void {
  if (!generationImageFormat(out)) throw new UsageError(`--out must end in .png, .jpg, .jpeg or .webp, got "${out}"`);
  const dir = dirname(resolve(out));
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--out: ${dir} is a file, not a folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`--out: cannot create the folder ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** A forced provider's failure, in the CLI's words (the engine's message speaks of the app's settings). */
function providerError(provider: ProviderChoice, err: EngineError): EngineError {
  const reason = err.detail?.split('\n')[0];
  if (provider === 'auto' || !reason) return err;
  const install = provider === 'cuda' ? ', or add CUDA support with `npm run install:cuda` (README: Execution providers)' : ' (README: Execution providers)';
  return new EngineError('provider-unavailable', `--ep ${provider}: the ${provider.toUpperCase()} execution provider could not start (${reason}). Use --ep auto or --ep cpu${install}.`);
}

/** `PATH[:W[:W_TE]]`: the UNet weight W (default 1) and the text-encoder weight (default W). Numbers are
 *  taken from the right, so a Windows drive letter (`C:\…`) stays part of the path. */
export function parseLoraFlag(value: string): LoraChoice {
  const parts = value.split(':');
  const numbers: number[] = [];
  while (parts.length > 1 && numbers.length < 2 && /^\s*-?\d*\.?\d+(e-?\d+)?\s*$/i.test(parts[parts.length - 1]!)) numbers.unshift(Number(parts.pop()));
  const path = parts.join(':');
  if (!path) throw new UsageError(`--lora needs a file: PATH[:WEIGHT[:TEXT_WEIGHT]], got "${value}"`);
  const unet = numbers[0] ?? 1;
  return { path: resolve(path), unet, text: numbers[1] ?? unet };
}

export function accelFromFlags(f: ParsedFlags): AccelSettings {
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
  const model = modelFromFlags(f);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const provider = oneOf('ep', String(f.ep ?? 'auto'), PROVIDER_CHOICES);
  if (provider !== 'auto' && !candidateProviders().includes(provider)) {
    throw new UsageError(`--ep ${provider}: this execution provider does not exist for ${process.platform}-${process.arch}; use --ep auto or --ep cpu`);
  }
  const accel = accelFromFlags(f);
  const threadsProblem = f.threads === undefined ? undefined : cpuThreadsProblem(Number(f.threads));
  if (threadsProblem) throw new UsageError(`--threads ${threadsProblem}`);
  const out = String(f.out ?? '');
  if (out) prepareOut(out);
  const loras = ((f.lora as string[] | undefined) ?? []).map(parseLoraFlag);
  const vae = typeof f.vae === 'string' ? resolve(f.vae) : undefined;
  const embeddings = ((f.embedding as string[] | undefined) ?? []).map((p) => resolve(p));
  for (const e of embeddings) if (!existsSync(e)) throw new UsageError(`--embedding ${e} does not exist`);
  if (vae && !existsSync(vae)) throw new UsageError(`--vae ${vae} does not exist`);
  for (const l of loras) if (!existsSync(l.path)) throw new UsageError(`--lora ${l.path} does not exist`);
  // <lora:name> tags look in --lora-dir folders, else next to the --lora files
  const loraDirs = ((f['lora-dir'] as string[] | undefined) ?? []).map((d) => resolve(d));
  if (loraDirs.length === 0) loraDirs.push(...new Set(loras.map((l) => dirname(l.path))));

  const engine = new Engine({ clipVocab: resources.clipVocab, keepSessions: false });
  try {
    const info = await engine.inspect(model.path);
    const d = samplingDefaults(model.isDemo, info.nativeSize);
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
      modelPath: model.path, isDemo: model.isDemo, sampler, steps, cfg, width, height, target,
    }).finally(() => studio.close());
    if (resolved === null) {
      process.stderr.write(`dato-studio: no calibration for this model with ${sampler}, ${steps} steps, CFG ${cfg}, ${width}×${height}; run \`dato-studio calibrate${model.isDemo ? '' : ` --model ${model.path}`} --sampler ${sampler} --steps ${steps} --cfg ${cfg} --width ${width} --height ${height}\` first\n`);
      return 2;
    }
    const expected = resolved.expected;
    if (expected && f.json !== true && f.quiet !== true) {
      process.stderr.write(`calibrated: expected ${expected.macSpeedup.toFixed(2)}× (MAC), ${expected.psnr.toFixed(1)} dB vs the baseline image (${expected.source})\n`);
    }
    const request: GenerateRequest = {
      modelPath: model.path, provider, prompt: f.prompt, negativePrompt: String(f.negative ?? ''), sampler,
      steps, cfg, eta: Number(f.eta ?? 0), width, height,
      seed: f.seed !== undefined ? Number(f.seed) : randomSeed(), images: batch, accel: resolved.accel, previewEvery: 0,
      ...(initialNoise ? { initialNoise } : {}), ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}),
      ...(f['clip-skip'] !== undefined ? { clipSkip: Number(f['clip-skip']) } : {}),
      ...(f.prediction !== undefined ? { prediction: oneOf('prediction', String(f.prediction), PREDICTIONS) } : {}),
      ...(loras.length ? { loras } : {}), loraDirs, ...(vae ? { vae } : {}),
      ...(embeddings.length ? { embeddings } : {}),
      ...extras?.request,
    };
    const quiet = f.json === true || f.quiet === true;
    const job = engine.generate(request, (s) => {
      if (!quiet) process.stderr.write(`\rstep ${s.index + 1}/${s.total} (${s.kind}) ${s.seconds.toFixed(2)} s   `);
    });
    const generated = await job.result.catch((err: unknown) => {
      throw err instanceof EngineError && err.code === 'provider-unavailable' ? providerError(provider, err) : err;
    });
    const result = extras?.finish ? await extras.finish(generated) : generated;
    if (!quiet) process.stderr.write('\n');
    for (const l of result.loras) {
      if (l.unmatched.count > 0) {
        process.stderr.write(`LoRA ${l.path}: ${l.applied} of ${l.modules} modules applied; ${l.unmatched.count} keys/modules match nothing in this model (e.g. ${l.unmatched.examples.join(', ')})\n`);
      }
    }
    const modelName = model.isDemo ? DEMO_MODEL_NAME : defaultModelName(model.path);
    const outputs = await writeOutputs(f, request, result, modelName, extras?.parameters);
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
  f: ParsedFlags, req: GenerateRequest, result: GenerateResult, modelName: string,
  extraParameters?: Record<string, string | number>,
): Promise<string[]> {
  if (typeof f['latents-out'] === 'string') writeNpy(f['latents-out'], result.latentShape, result.latents);
  const base = String(f.out ?? `dato-${req.seed}.png`);
  const written: string[] = [];
  for (const [i, image] of result.images.entries()) {
    const path = result.images.length === 1 ? base : base.replace(/(\.[a-z]+)$/i, `-${i}$1`);
    await writeGenerationImage(path, image, { request: req, result, imageIndex: i, modelName, ...(extraParameters ? { extraParameters } : {}) });
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
