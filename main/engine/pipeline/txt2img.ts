// What one generation does, in order:
//   1 check parameters · 2 encode the prompts · 3 timesteps and acceleration plan · 4 initial latents ·
//   5 denoising loop (schedule → UNet segments → guidance → sampler step → preview) · 6 decode
// Ref: ldm scripts/txt2img.py + DDIMSampler; diffusers StableDiffusionPipeline.__call__.
import type { AccelPlan } from '../accel/plan';
import type { StepKind } from '../accel/schedule';
import { LIMITS, type Prediction, type SamplerName } from '../../../preload/contract/vocabulary';
import { EngineError } from '../errors';
import { tToSigma } from '../schedulers/sigmas';
import { createScheduler } from '../schedulers/index';
import { applyGuidance, duplicateRows } from './guidance';
import { previewScale, type RgbImage } from './latent-preview';
import type { ModelRuntime } from './model-runtime';
import { createRng } from './rng';
import { appendChannels, type SamplingStart } from './sampling-start';
import { encodeConditioning } from './text-conditioning';
import { AccelerationState } from './acceleration-state';

export interface Txt2ImgParams {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly cfg: number;
  readonly eta: number;
  readonly width: number;
  readonly height: number;
  /** Image i uses seed + i, so any image of a batch can be reproduced alone. */
  readonly seed: number;
  readonly images: number;
  /** Replaces the seeded initial noise: [images, 4, height/8, width/8]. */
  readonly initialNoise?: Float32Array;
  readonly accel: AccelPlan;
  /** Image-to-image and inpainting (pipeline/img2img.ts): where sampling starts and what it keeps. */
  readonly start?: SamplingStart;
  /** Make a preview every n-th evaluation (0 = none). */
  readonly previewEvery: number;
  /** Use the N-th text-encoder layer from the end (A1111 "Clip skip"; default 1 = the last). */
  readonly clipSkip?: number;
}

export interface StepReport {
  readonly index: number;
  readonly total: number;
  readonly kind: StepKind;
  readonly timestep: number;
  readonly seconds: number;
  /** Tokens pruned in each pruned block, and how many blocks pruned, in this evaluation. */
  readonly prunedTokens: number;
  readonly prunedBlocks: number;
  readonly preview?: RgbImage;
}

export interface Txt2ImgResult {
  readonly images: RgbImage[];
  /** Final latents before 1/scale_factor: [images, 4, h, w]. */
  readonly latents: Float32Array;
  readonly latentShape: readonly number[];
  readonly steps: readonly StepReport[];
  readonly timings: { readonly load: number; readonly textEncode: number; readonly unetLoop: number; readonly decode: number; readonly total: number };
}

export interface Txt2ImgHooks {
  onStep?(report: StepReport): void;
  /** Checked before every UNet evaluation; true aborts with a 'cancelled' error. */
  isCancelled?(): boolean;
}

export function checkParams(p: Pick<Txt2ImgParams, 'width' | 'height' | 'steps' | 'cfg' | 'eta' | 'images' | 'seed' | 'prompt' | 'negativePrompt'>): void {
  const bad = (msg: string): never => { throw new EngineError('invalid-parameters', msg); };
  const { minSide, maxSide, maxPixels, minSteps, maxSteps, maxCfg, promptChars } = LIMITS;
  const side = (n: number): boolean => Number.isInteger(n) && n % 8 === 0 && n >= minSide && n <= maxSide;
  if (!side(p.width) || !side(p.height)) {
    bad(`Width and height must be multiples of 8 from ${minSide} to ${maxSide} (got ${p.width}×${p.height}).`);
  }
  if (p.width * p.height > maxPixels) bad(`${p.width}×${p.height} is too large (at most ${maxPixels} pixels).`);
  if (!Number.isInteger(p.steps) || p.steps < minSteps || p.steps > maxSteps) bad(`Steps must be a whole number from ${minSteps} to ${maxSteps}.`);
  if (!(p.cfg >= 0 && p.cfg <= maxCfg)) bad(`CFG scale must be between 0 and ${maxCfg}.`);
  if (!(p.eta >= 0 && p.eta <= 1)) bad('Eta must be between 0 and 1.');
  if (!Number.isInteger(p.images) || p.images < 1 || p.images > 16) bad('Batch size must be from 1 to 16.');
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) bad('The seed must be a non-negative whole number.');
  for (const [what, text] of [['prompt', p.prompt], ['negative prompt', p.negativePrompt]] as const) {
    // the same cap as the contract's, so the CLI, the app and web mode refuse the same prompts
    if (text.length > promptChars) bad(`The ${what} is ${text.length} characters long; at most ${promptChars} are accepted.`);
  }
}

function assertFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new EngineError('numerical-error', `The ${what} contains NaN or infinite values, so the image would be black. The model weights may be damaged, or try another sampler or a lower CFG scale.`);
    }
  }
}

export async function txt2img(rt: ModelRuntime, p: Txt2ImgParams, hooks: Txt2ImgHooks = {}): Promise<Txt2ImgResult> {
  const t0 = performance.now();
  // 1. check
  checkParams(p);
  const h = p.height / 8;
  const w = p.width / 8;
  const channels = rt.model.unet.outChannels; // latent channels (an inpainting UNet takes more in)
  const perImage = channels * h * w;
  const rows = 2 * p.images;
  const cancelled = (): void => { if (hooks.isCancelled?.()) throw new EngineError('cancelled', 'The generation was cancelled.'); };

  // 2. prompts → context
  const tEncode = performance.now();
  const cond = await encodeConditioning(rt.tokenizer, (ids, n, inject) => rt.encodeText(ids, n, p.clipSkip ?? 1, inject),
    rt.model.text.width, p.prompt, p.negativePrompt, p.images, rt.padId, rt.embeddings);
  const textEncode = (performance.now() - tEncode) / 1000;
  await rt.stageDone('text');

  // 3. timesteps and plan
  const prediction = rt.prediction.prediction;
  const scheduler = createScheduler(p.sampler, { steps: p.steps, eta: p.eta, prediction, start: p.start?.step ?? 0 });
  const evaluations = scheduler.timesteps.length;
  if (p.accel.kinds.length !== evaluations) {
    throw new EngineError('internal', `The acceleration plan has ${p.accel.kinds.length} steps for ${evaluations} UNet evaluations.`);
  }
  const accel = new AccelerationState(rt, p.accel, { images: p.images, channels, height: h, width: w }, p.seed);
  await accel.prepare(cond.contextLength);
  const load = rt.sessions.takeLoadSeconds();

  // 4. initial latents
  let x: Float32Array;
  if (p.start) {
    x = p.start.initialLatents(scheduler);
  } else if (p.initialNoise) {
    if (p.initialNoise.length !== p.images * perImage) {
      throw new EngineError('invalid-parameters', `The initial noise has ${p.initialNoise.length} values; ${p.images}×${channels}×${h}×${w} are needed.`);
    }
    x = Float32Array.from(p.initialNoise, (v) => v * scheduler.initNoiseSigma);
  } else {
    x = new Float32Array(p.images * perImage);
    for (let i = 0; i < p.images; i++) x.set(createRng(p.seed + i).randn(perImage), i * perImage);
    if (scheduler.initNoiseSigma !== 1) x = x.map((v) => v * scheduler.initNoiseSigma);
  }
  const samplerNoise = createRng(BigInt(p.seed) + 0x5eedn);

  // 5. denoising loop
  const steps: StepReport[] = [];
  let unetLoop = 0;
  try {
    for (let i = 0; i < evaluations; i++) {
      cancelled();
      const tStep = performance.now();
      const t = scheduler.timesteps[i]!;
      const modelInput = scheduler.scaleModelInput(x, i);
      const { eps, kind, stats, prunedTokens } = await accel.evaluate(i, {
        x: duplicateRows(p.start?.extraChannels ? appendChannels(modelInput, p.start.extraChannels, p.images) : modelInput), timesteps: new Array<number>(rows).fill(t), context: cond.context, contextLength: cond.contextLength,
      });
      const guided = applyGuidance(eps, p.cfg);
      x = scheduler.step(guided, i, x, samplerNoise);
      if (p.start?.afterStep) x = p.start.afterStep(x, i, scheduler);
      const seconds = (performance.now() - tStep) / 1000;
      unetLoop += seconds;
      const report: StepReport = {
        index: i, total: evaluations, kind, timestep: t, seconds, prunedTokens, prunedBlocks: stats.prunedBlocks,
        ...(p.previewEvery > 0 && (i % p.previewEvery === 0 || i === evaluations - 1)
          ? { preview: previewOf(rt, modelInput, guided, prediction, t, channels, h, w) } : {}),
      };
      steps.push(report);
      hooks.onStep?.(report);
    }
  } finally {
    accel.reset(); // frees the cached features (GPU memory on WebGPU), also on cancel
  }
  assertFinite(x, 'final latent');
  await rt.stageDone('unet');

  // 6. decode
  const tDecode = performance.now();
  const images: RgbImage[] = [];
  for (let i = 0; i < p.images; i++) {
    cancelled();
    const latent = x.subarray(i * perImage, (i + 1) * perImage);
    const decoded = await rt.decode(latent, h, w);
    assertFinite(decoded, 'decoded image');
    images.push(toRgb(decoded, p.width, p.height));
  }
  const decode = (performance.now() - tDecode) / 1000;
  return {
    images, latents: x, latentShape: [p.images, channels, h, w], steps,
    timings: { load: load + rt.sessions.takeLoadSeconds(), textEncode, unetLoop, decode, total: (performance.now() - t0) / 1000 },
  };
}

/**
 * Preview of the first image: the model's clean-latent estimate x0 = (x_t − √(1−ᾱ)·ε)/√ᾱ, or
 * √ᾱ·x_t − √(1−ᾱ)·v for a v model. The UNet input is x_t for every sampler (k-diffusion samplers scale
 * their x by 1/√(σ²+1)); ᾱ = 1/(1+σ(t)²) also holds at fractional t.
 */
function previewOf(
  rt: ModelRuntime, modelInput: Float32Array, out: Float32Array, prediction: Prediction, t: number, c: number, h: number, w: number,
): RgbImage {
  const a = 1 / (1 + tToSigma(t) ** 2);
  const n = c * h * w;
  const x0 = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    x0[k] = prediction === 'v' ? Math.sqrt(a) * modelInput[k]! - Math.sqrt(1 - a) * out[k]!
      : (modelInput[k]! - Math.sqrt(1 - a) * out[k]!) / Math.sqrt(a);
  }
  return rt.preview.project(x0, c, h, w, previewScale(h, w));
}

/** [3, H, W] in [-1, 1] → 8-bit RGB, uint8(255·clip((x+1)/2, 0, 1)) truncated as ldm's txt2img. */
export function toRgb(image: Float32Array, width: number, height: number): RgbImage {
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  for (let k = 0; k < 3; k++) {
    for (let p = 0; p < n; p++) {
      const v = Math.min(1, Math.max(0, (Math.min(1, Math.max(-1, image[k * n + p]!)) + 1) / 2));
      rgb[p * 3 + k] = Math.floor(Math.fround(255 * v));
    }
  }
  return { width, height, rgb };
}
