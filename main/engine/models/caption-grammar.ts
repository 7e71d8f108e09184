// Prompts a model can actually draw, from the caption grammar it was trained on. Small research models (the
// embedded demo model) ship it in their sidecar config.json under `data`: the attribute vocabularies (colours,
// shapes, sizes, positions) and the caption templates, e.g. "{A} {p} on {B} background". Example prompts are
// written from that grammar, never taken from the model's held-out evaluation captions (`held_out_captions`,
// eval_captions.json): those measure quality and must stay unseen.
export interface CaptionGrammar {
  readonly colours: readonly string[];
  readonly shapes: readonly string[];
  readonly sizes: readonly string[];
  readonly positions: readonly string[];
  readonly templates: readonly string[];
}

const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0) ? (v as string[]) : null;

/** The grammar in a sidecar config's `data` block, or null when it has none (every real checkpoint). */
export function readCaptionGrammar(data: unknown): CaptionGrammar | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const colours = d.colors && typeof d.colors === 'object' && !Array.isArray(d.colors) ? strings(Object.keys(d.colors)) : strings(d.colours);
  const shapes = strings(d.shapes);
  const sizes = strings(d.sizes);
  const positions = strings(d.positions);
  const templates = strings(d.templates);
  if (!colours || colours.length < 2 || !shapes || !sizes || !positions || !templates) return null;
  return { colours, shapes, sizes, positions, templates };
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** "center" → "in the center", "left" → "on the left", corners and edges → "at the top left". */
function positionPhrase(position: string): string {
  if (position === 'center' || position === 'centre' || position === 'middle') return `in the ${position}`;
  if (position === 'left' || position === 'right') return `on the ${position}`;
  return `at the ${position}`;
}

interface Attributes { size: string; colour: string; shape: string; position: string; background: string }

/** Fill one template; null when it uses a placeholder this grammar does not define. */
function fill(template: string, a: Attributes): string | null {
  const values: Record<string, string> = {
    A: `${article(a.size)} ${a.size} ${a.colour} ${a.shape}`,
    a_c: `${article(a.colour)} ${a.colour} ${a.shape}`,
    B: `${article(a.background)} ${a.background}`,
    b: a.background,
    p: positionPhrase(a.position),
    s: a.size,
    c: a.colour,
    h: a.shape,
  };
  let unknown = false;
  const text = template.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? ((unknown = true), ''));
  return unknown ? null : text.replace(/\s+/g, ' ').trim();
}

/**
 * `count` varied prompts: each uses another template and another shape, colour pair (shape ≠ background),
 * size and position, stepping through the vocabularies so the examples differ from each other.
 */
export function examplePrompts(grammar: CaptionGrammar, count: number): string[] {
  const { colours, shapes, sizes, positions, templates } = grammar;
  const out: string[] = [];
  for (let i = 0; out.length < count && i < count * 4; i++) {
    const colour = (i * 3) % colours.length;
    let background = (colour + Math.floor(colours.length / 2)) % colours.length;
    if (background === colour) background = (colour + 1) % colours.length;
    const text = fill(templates[i % templates.length]!, {
      size: sizes[(sizes.length - 1 + i) % sizes.length]!, colour: colours[colour]!, shape: shapes[i % shapes.length]!,
      position: positions[(i * 2) % positions.length]!, background: colours[background]!,
    });
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}
