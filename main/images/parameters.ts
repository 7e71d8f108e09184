// The AUTOMATIC1111 `parameters` text, the de-facto standard other tools (Civitai, ComfyUI loaders, PNG Info)
// read from a PNG:
//   <prompt>
//   Negative prompt: <negative prompt>
//   Steps: 30, Sampler: DDIM, Schedule type: Automatic, CFG scale: 5, Seed: 1, Size: 128x128, Model: name
// Ref: AUTOMATIC1111/stable-diffusion-webui modules/processing.py (create_infotext) and
//      modules/infotext_utils.py (quote, unquote, parse_generation_parameters, re_param).
// Field markers inside prompts: A1111 reads any line that starts with "Negative prompt:" as the start of the
// negative prompt, so such a line of a prompt is written with a backslash in front ("\Negative prompt: …",
// one more backslash for each one already there). A1111 then keeps it in the right prompt (showing the
// backslash); our reader removes it. "Key: value" text in a prompt needs nothing: the parameter line is
// always the last line and only that line is read as parameters.
// What the A1111 text cannot represent (A1111 trims every line on reading): spaces or tabs at the start or
// end of a line, and blank lines at the start or end of a prompt. The exact prompts travel in the
// `dato-studio` chunk as well (studio-metadata.ts), and our reader prefers them there.
import type { SamplerName } from '../../preload/contract/vocabulary';

export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  steps: number;
  sampler: SamplerName;
  cfg: number;
  seed: number;
  width: number;
  height: number;
  /** A1111 "Model hash": first 10 hex digits of the checkpoint file's SHA-256 (AutoV2), when known. */
  modelHash?: string | null;
  modelName?: string | null;
  /** Further "Key: value" pairs, written after the standard ones in insertion order. */
  extra?: Record<string, string | number>;
}

export interface ParsedA1111Parameters {
  prompt: string;
  negativePrompt: string;
  steps?: number;
  /** Our sampler when the A1111 sampler/schedule pair is one we run. */
  sampler?: SamplerName;
  cfg?: number;
  seed?: number;
  width?: number;
  height?: number;
  modelHash?: string;
  modelName?: string;
  /** Every "Key: value" pair as written (values unquoted), including the ones decoded above. */
  fields: Record<string, string>;
}

/** A1111 sampler display names (modules/sd_samplers_kdiffusion.py, sd_samplers_timesteps.py). */
const SAMPLER_DISPLAY: Record<SamplerName, { sampler: string; schedule: string }> = {
  ddim: { sampler: 'DDIM', schedule: 'Automatic' },
  plms: { sampler: 'PLMS', schedule: 'Automatic' },
  euler: { sampler: 'Euler', schedule: 'Automatic' },
  euler_a: { sampler: 'Euler a', schedule: 'Automatic' },
  dpmpp_2m: { sampler: 'DPM++ 2M', schedule: 'Automatic' },
  dpmpp_2m_karras: { sampler: 'DPM++ 2M', schedule: 'Karras' },
};

function samplerFromDisplay(sampler: string | undefined, schedule: string | undefined): SamplerName | undefined {
  // Before A1111 1.9 the schedule was part of the sampler name ("DPM++ 2M Karras").
  if (sampler === 'DPM++ 2M Karras') return 'dpmpp_2m_karras';
  if (sampler === 'DPM++ 2M') return schedule === 'Karras' ? 'dpmpp_2m_karras' : 'dpmpp_2m';
  return (Object.keys(SAMPLER_DISPLAY) as SamplerName[]).find((name) => SAMPLER_DISPLAY[name].sampler === sampler);
}

/** infotext_utils.quote: JSON-quote values containing a comma, newline or colon. */
function quote(value: string): string {
  return /[,\n:]/.test(value) ? JSON.stringify(value) : value;
}

/** infotext_utils.unquote: undo quote(); a value that is not valid JSON is kept as written. */
function unquote(value: string): string {
  if (value.length === 0 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

const MARKER_LINE = /^(\s*)(\\*Negative prompt:)/;
const ESCAPED_MARKER_LINE = /^\\(\\*Negative prompt:)/;

/** Lines of a prompt that A1111 would read as the negative prompt's start get one more leading backslash. */
function escapeMarkers(prompt: string): string {
  return prompt.split('\n').map((line) => line.replace(MARKER_LINE, '$1\\$2')).join('\n');
}

export function formatA1111Parameters(p: A1111Parameters): string {
  const display = SAMPLER_DISPLAY[p.sampler];
  const fields: [string, string | number | null | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', display.sampler],
    ['Schedule type', display.schedule],
    ['CFG scale', p.cfg],
    ['Seed', p.seed],
    ['Size', `${p.width}x${p.height}`],
    ['Model hash', p.modelHash],
    ['Model', p.modelName],
    ...Object.entries(p.extra ?? {}),
  ];
  const line = fields
    .filter((f): f is [string, string | number] => f[1] !== null && f[1] !== undefined)
    .map(([key, value]) => `${key}: ${quote(String(value))}`)
    .join(', ');
  const negative = p.negativePrompt ? `\nNegative prompt: ${escapeMarkers(p.negativePrompt)}` : '';
  return `${escapeMarkers(p.prompt)}${negative}\n${line}`.trim();
}

/** infotext_utils.re_param, with Python's Unicode \w spelled out. */
const PARAM = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
const IMAGE_SIZE = /^(\d+)x(\d+)$/;

function toInt(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
}

function toFloat(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value.trim());
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

export function parseA1111Parameters(text: string): ParsedA1111Parameters {
  const lines = text.trim().split('\n');
  let lastLine = lines.pop() ?? '';
  if ([...lastLine.matchAll(PARAM)].length < 3) {
    lines.push(lastLine);
    lastLine = '';
  }
  let prompt = '';
  let negativePrompt = '';
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      line = line.slice('Negative prompt:'.length).trim();
    }
    line = line.replace(ESCAPED_MARKER_LINE, '$1');
    if (inNegative) negativePrompt += (negativePrompt === '' ? '' : '\n') + line;
    else prompt += (prompt === '' ? '' : '\n') + line;
  }

  const fields: Record<string, string> = {};
  for (const m of lastLine.matchAll(PARAM)) {
    const key = m[1] ?? '';
    const value = unquote(m[2] ?? '');
    fields[key] = value;
  }
  const size = IMAGE_SIZE.exec(fields['Size'] ?? '');
  const parsed: ParsedA1111Parameters = { prompt, negativePrompt, fields };
  const assign = <K extends keyof ParsedA1111Parameters>(key: K, value: ParsedA1111Parameters[K] | undefined): void => {
    if (value !== undefined) parsed[key] = value;
  };
  assign('steps', toInt(fields['Steps']));
  assign('sampler', samplerFromDisplay(fields['Sampler'], fields['Schedule type']));
  assign('cfg', toFloat(fields['CFG scale']));
  assign('seed', toInt(fields['Seed']));
  assign('width', size ? Number(size[1]) : undefined);
  assign('height', size ? Number(size[2]) : undefined);
  assign('modelHash', fields['Model hash']);
  assign('modelName', fields['Model']);
  return parsed;
}
