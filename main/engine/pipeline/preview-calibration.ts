// The live preview's latent → RGB map for one model, fitted once to the model's own VAE decoder and cached
// on disk next to the engine's other caches. The latents are ones the model itself samples (four short
// DDIM runs whose prompts name eight colours), because the map must hold on the latents it will preview:
// a fit on random latents scored 8–15 dB PSNR on the demo model's images, one on the model's own samples
// 14–18 dB (SD 1.x's coefficients: 6–9 dB).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planAcceleration } from '../accel/plan';
import { LatentPreview, PreviewFit, type PreviewCoefficients } from './latent-preview';
import type { ModelRuntime } from './model-runtime';
import { txt2img } from './txt2img';

/** Bump when the calibration changes (prompts, steps, fit), so old maps are not reused. */
const CALIBRATION_VERSION = 1;
const PROMPTS = [
  'a large red circle on a blue background',
  'a small yellow triangle on a black background',
  'a large green square on a white background',
  'a purple ring on an orange background',
];
const STEPS = 10;

/** One cache entry per checkpoint file set (path, size, mtime) and calibration version. */
function cacheKey(rt: ModelRuntime): string {
  const { index } = rt.model.src;
  const h = createHash('sha256').update(`v${CALIBRATION_VERSION}|${index.source.path}`);
  for (const file of [...new Set([...index.tensors.values()].map((t) => t.file))].sort()) {
    const st = statSync(file);
    h.update(`|${file}|${st.size}|${st.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 24);
}

function readCached(file: string): PreviewCoefficients | null {
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(value) && value.every((r) => Array.isArray(r) && r.length === 3 && r.every(Number.isFinite)) ? value as PreviewCoefficients : null;
  } catch {
    return null;
  }
}

/**
 * The model's fitted preview map: from the cache, else sampled and fitted now (a few seconds once per
 * model). `size` is the image side to sample at: small where sessions take any size (CPU), the
 * generation's own size where they are static (GPU), so no extra sessions are built.
 */
export async function calibratedPreview(rt: ModelRuntime, cacheDir: string, height: number, width: number): Promise<LatentPreview> {
  const dir = join(cacheDir, 'preview-maps');
  const file = join(dir, `${cacheKey(rt)}.json`);
  const cached = readCached(file);
  if (cached && cached.length === rt.model.unet.inChannels + 1) return new LatentPreview(cached);
  const channels = rt.model.unet.inChannels;
  const fit = new PreviewFit(channels);
  for (const [i, prompt] of PROMPTS.entries()) {
    const run = await txt2img(rt, {
      prompt, negativePrompt: '', sampler: 'ddim', steps: STEPS, cfg: 5, eta: 0, width, height, seed: 1000 + i, images: 1,
      accel: planAcceleration({ mode: 'baseline' }, STEPS), previewEvery: 0,
    });
    fit.add(run.latents, height / 8, width / 8, await rt.decode(run.latents, height / 8, width / 8));
  }
  const coefficients = fit.solve();
  if (!coefficients) return rt.preview; // the samples did not determine a map: keep the one there is
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.part`, JSON.stringify(coefficients));
  renameSync(`${file}.part`, file);
  return new LatentPreview(coefficients);
}
