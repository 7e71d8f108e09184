// The demo model's 64 held-out captions and palette (eval_captions.json next to the model).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rgb } from './colour-adherence';

export interface EvalCaption { readonly caption: string; readonly shape_colour: string; readonly background_colour: string }

export function loadEvalCaptions(demoModel: string): { captions: EvalCaption[]; palette: Map<string, Rgb> } {
  const raw = JSON.parse(readFileSync(join(dirname(demoModel), 'eval_captions.json'), 'utf8')) as {
    captions: EvalCaption[]; palette_rgb: Record<string, Rgb>;
  };
  return { captions: raw.captions, palette: new Map(Object.entries(raw.palette_rgb)) };
}
