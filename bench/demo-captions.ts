// The demo model's 64 held-out captions and palette (eval_captions.json next to the model).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rgb } from './colour-adherence';
import { demoGrammarPrompts } from '../main/engine/accel/calibration-prompts';

export interface EvalCaption { readonly caption: string; readonly shape_colour: string; readonly background_colour: string }

export function loadEvalCaptions(demoModel: string): { captions: EvalCaption[]; palette: Map<string, Rgb> } {
  const raw = JSON.parse(readFileSync(join(dirname(demoModel), 'eval_captions.json'), 'utf8')) as {
    captions: EvalCaption[]; palette_rgb: Record<string, Rgb>;
  };
  return { captions: raw.captions, palette: new Map(Object.entries(raw.palette_rgb)) };
}

/** Draws fresh grammar captions from a sequence of their own, never the one calibration draws from (seed 7). */
export const GRAMMAR_EVAL_SEED = 2026;

/**
 * `count` captions of the demo model's training grammar, with the colours each asks for: in every template
 * the shape's colour is the first colour word and the background's the last.
 */
export function grammarEvalCaptions(count: number): EvalCaption[] {
  return demoGrammarPrompts(count, GRAMMAR_EVAL_SEED).map((caption) => {
    const colours = caption.split(/[\s,]+/).filter((w) => COLOUR_WORDS.has(w));
    return { caption, shape_colour: colours[0]!, background_colour: colours[colours.length - 1]! };
  });
}

const COLOUR_WORDS = new Set(['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black']);
