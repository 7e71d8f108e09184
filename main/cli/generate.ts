// `dato-studio generate`: one generation from the command line, through the same engine the app uses.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { ACCEL_MODES, type AccelSettings } from '../engine/accel/plan';
import { Engine } from '../engine/engine-host';
import type { GenerateRequest, GenerateResult } from '../engine/engine-protocol';
import { resolveResources } from '../engine/resources';
import { PROVIDER_CHOICES } from '../engine/runtime/provider-choice';
import { SAMPLER_NAMES } from '../engine/schedulers/scheduler';
import { PREDICTIONS } from '../engine/schedulers/prediction';
import type { LoraChoice } from '../engine/weights/lora/apply-loras';
import { addonHashes } from '../engine/weights/addon-hash';
import { readNpy, writeNpy } from '../engine/util/npy';
import { randomSeed } from '../engine/pipeline/rng';
import { writeGenerationPng } from '../images/generation-png';
import { oneOf, parseFlags, UsageError, type FlagSpec, type ParsedFlags } from './args';

export const GENERATE_FLAGS: FlagSpec = {
  model: 'string', prompt: 'string', negative: 'string', steps: 'integer', cfg: 'number', sampler: 'string',
  eta: 'number', width: 'integer', height: 'integer', seed: 'integer', batch: 'integer', noise: 'string',
  ep: 'string', threads: 'integer', out: 'string', 'latents-out': 'string', json: 'boolean',
  mode: 'string', schedule: 'string', 'cache-interval': 'integer', 'prune-ratio': 'string',
  'dato-gamma': 'number', 'dato-alpha': 'number', 'dato-flip': 'number', quiet: 'boolean',
  'clip-skip': 'integer', prediction: 'string', lora: 'repeated', 'lora-dir': 'repeated', vae: 'string', embedding: 'repeated',
};

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

/** Sampling defaults by model: the embedded demo model was trained at 128 px with DDIM 30 / CFG 5. */
function defaultsFor(isDemo: boolean, nativeSize: number): { steps: number; cfg: number; size: number } {
  return isDemo ? { steps: 30, cfg: 5, size: 128 } : { steps: 30, cfg: 7.5, size: nativeSize };
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
  return settings;
}

export async function runGenerate(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, GENERATE_FLAGS);
  if (typeof f.prompt !== 'string') throw new UsageError('--prompt is required');
  const resources = resolveResources();
  const modelPath = resolve(String(f.model ?? resources.demoModel));
  if (!existsSync(modelPath)) throw new UsageError(`--model ${modelPath} does not exist`);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const provider = oneOf('ep', String(f.ep ?? 'auto'), PROVIDER_CHOICES);
  const accel = accelFromFlags(f);
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
    const info = await engine.inspect(modelPath);
    const d = defaultsFor(f.model === undefined, info.nativeSize);
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
    const request: GenerateRequest = {
      modelPath, provider, prompt: f.prompt, negativePrompt: String(f.negative ?? ''), sampler,
      steps: Number(f.steps ?? d.steps), cfg: Number(f.cfg ?? d.cfg), eta: Number(f.eta ?? 0), width, height,
      seed: f.seed !== undefined ? Number(f.seed) : randomSeed(), images: batch, accel, previewEvery: 0,
      ...(initialNoise ? { initialNoise } : {}), ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}),
      ...(f['clip-skip'] !== undefined ? { clipSkip: Number(f['clip-skip']) } : {}),
      ...(f.prediction !== undefined ? { prediction: oneOf('prediction', String(f.prediction), PREDICTIONS) } : {}),
      ...(loras.length ? { loras } : {}), loraDirs, ...(vae ? { vae } : {}),
      ...(embeddings.length ? { embeddings } : {}),
    };
    const quiet = f.json === true || f.quiet === true;
    const job = engine.generate(request, (s) => {
      if (!quiet) process.stderr.write(`\rstep ${s.index + 1}/${s.total} (${s.kind}) ${s.seconds.toFixed(2)} s   `);
    });
    const result = await job.result;
    if (!quiet) process.stderr.write('\n');
    for (const l of result.loras) {
      if (l.unmatched.count > 0) {
        process.stderr.write(`LoRA ${l.path}: ${l.applied} of ${l.modules} modules applied; ${l.unmatched.count} keys/modules match nothing in this model (e.g. ${l.unmatched.examples.join(', ')})\n`);
      }
    }
    const outputs = await writeOutputs(f, request, result, info.path);
    if (f.json === true) {
      process.stdout.write(`${JSON.stringify(report(request, result, outputs))}\n`);
    } else {
      console.log(`${outputs.join(', ')}  (${result.provider.provider}, ${result.plan.mode}, UNet ${result.timings.unetLoop.toFixed(2)} s, total ${result.timings.total.toFixed(2)} s, seed ${request.seed})`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

async function writeOutputs(f: ParsedFlags, req: GenerateRequest, result: GenerateResult, modelPath: string): Promise<string[]> {
  if (typeof f['latents-out'] === 'string') writeNpy(f['latents-out'], result.latentShape, result.latents);
  const base = String(f.out ?? `dato-${req.seed}.png`);
  const written: string[] = [];
  // A1111 lists the embeddings a prompt used: those whose trigger (file name) appears in either prompt
  const text = `${req.prompt}\n${req.negativePrompt}`.toLowerCase();
  const used = (req.embeddings ?? []).filter((p) => text.includes(basename(p, extname(p)).toLowerCase()));
  const addons = await addonHashes(result.loras.map((l) => l.path), req.vae, used);
  for (const [i, image] of result.images.entries()) {
    const path = result.images.length === 1 ? base : base.replace(/(\.png)?$/i, `-${i}.png`);
    await writeGenerationPng(path, image, { request: req, result, imageIndex: i, modelPath, addons });
    written.push(path);
  }
  return written;
}

function report(req: GenerateRequest, result: GenerateResult, outputs: string[]) {
  const { initialNoise: _noise, ...params } = req;
  return {
    parameters: { ...params, initialNoise: req.initialNoise ? 'file' : 'seed' },
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
