// "Drop a PNG, get its parameters": what main/images/external-image.ts read from an image, as the values the
// Generate form can take. Our own chunk adds the acceleration settings; an A1111-format `parameters` text
// gives prompt, sampler, steps, CFG, seed and size; anything else is said in `notes`, never guessed.
import type { HiresParamsDto, ImageParametersDto } from '../../preload/contract';
import { IMG2IMG_LIMITS, LIMITS } from '../../preload/contract';
import type { ImageParameters } from '../images/external-image';
import { imageAddons } from '../images/addon-parameters';
import { readSourceFields } from '../images/img2img-parameters';
import { accelFromColumns } from './accel-mapping';
import type { SourceImagesService } from './source-images-service';

/** Text chunks other tools write instead of A1111's `parameters` (ComfyUI, InvokeAI, NovelAI). */
const OTHER_TOOLS: Record<string, string> = {
  prompt: 'ComfyUI', workflow: 'ComfyUI', invokeai_metadata: 'InvokeAI', 'sd-metadata': 'InvokeAI', Comment: 'NovelAI',
};

export function imageParametersDto(read: ImageParameters, sources?: SourceImagesService): ImageParametersDto {
  const p = read.parameters;
  const notes: string[] = [];
  if (!p) {
    const tools = [...new Set(read.textKeywords.map((k) => OTHER_TOOLS[k]).filter((t): t is string => t !== undefined))];
    if (read.format !== 'png') notes.push(`This is a ${read.format.toUpperCase()} image: parameters are read from PNG files only.`);
    else if (tools.length > 0) notes.push(`This PNG has ${tools.join(' and ')} metadata, not A1111-style parameters; nothing could be loaded.`);
    else notes.push('This image carries no generation parameters.');
    return {
      source: 'none', prompt: null, negativePrompt: null, sampler: null, steps: null, cfg: null, width: null, height: null,
      seed: null, accel: null, modelName: null, notes,
    };
  }
  const samplerText = p.fields['Sampler'];
  const sampler = read.studio?.sampler ?? p.sampler ?? null;
  if (sampler === null && samplerText !== undefined) {
    const schedule = p.fields['Schedule type'];
    notes.push(`The sampler "${samplerText}${schedule && schedule !== 'Automatic' ? ` ${schedule}` : ''}" is not available here; the form keeps its sampler.`);
  }
  const studio = read.studio;
  // Image-to-image settings (issue 9), with the source picture when this PNG is one of the library's
  const img2img = sources?.readBack(p.fields, read.sha256 ?? '');
  const hires = hiresReadBack(p.fields, notes);
  return {
    source: studio ? 'dato-studio' : 'a1111',
    prompt: p.prompt, negativePrompt: p.negativePrompt, sampler,
    steps: p.steps ?? null, cfg: p.cfg ?? null, width: p.width ?? null, height: p.height ?? null, seed: p.seed ?? null,
    accel: studio ? accelFromColumns(studio.mode, studio.schedule, studio.accel) : null,
    modelName: p.modelName ?? null, notes, ...(img2img ? { img2img } : {}), ...(hires ? { hires } : {}),
    addons: imageAddons(p.prompt, p.fields, studio), // issue 11
  };
}

/** Hires fix as the image's `Hires upscale`, `Hires steps`, `Hires upscaler` and `Denoising strength` name it, within our limits. */
function hiresReadBack(fields: Readonly<Record<string, string>>, notes: string[]): HiresParamsDto | undefined {
  const h = readSourceFields(fields).hires;
  if (!h) return undefined;
  if (!(h.scale > 1 && h.scale <= IMG2IMG_LIMITS.maxHiresScale)) {
    notes.push(`Its hires upscale ${h.scale} is outside what runs here (more than 1, at most ${IMG2IMG_LIMITS.maxHiresScale}); hires fix was not loaded.`);
    return undefined;
  }
  const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));
  return {
    scale: h.scale, steps: clamp(Math.round(h.steps), 0, LIMITS.maxSteps),
    strength: clamp(h.strength, IMG2IMG_LIMITS.minStrength, IMG2IMG_LIMITS.maxStrength), upscaler: h.upscaler,
  };
}
