// Built-in calibration prompts (used when `calibrate` gets no --prompts). For the embedded demo model:
// captions drawn from its training grammar (models/demo-shapes-sd1/README.md: shape, colour, size, position,
// background, several templates) — never its eval_captions.json, which is kept for judging. For any other
// model: a general set of everyday subjects and styles.

const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black'];
const SHAPES = ['circle', 'square', 'triangle', 'ring'];
const SIZES = ['small', 'large'];
const POSITIONS = ['in the center', 'at the top left', 'at the top right', 'at the bottom left', 'at the bottom right',
  'at the top', 'at the bottom', 'on the left', 'on the right'];

/** `count` demo-grammar captions, drawn deterministically from `seed`, shape and background colours differing. */
export function demoGrammarPrompts(count: number, seed = 7): string[] {
  let state = seed >>> 0;
  const uniform = (): number => { // mulberry32: a fixed, platform-independent sequence
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(uniform() * list.length)]!;
  const out: string[] = [];
  while (out.length < count) {
    const colour = pick(COLOURS);
    const background = pick(COLOURS.filter((c) => c !== colour));
    const shape = pick(SHAPES);
    const size = pick(SIZES);
    const position = pick(POSITIONS);
    const templates = [
      `a ${size} ${colour} ${shape} ${position} on a ${background} background`,
      `a ${size} ${colour} ${shape} on a ${background} background`,
      `a ${colour} ${shape} ${position}, ${background} background`,
      `${size} ${colour} ${shape} on ${background}`,
    ];
    out.push(templates[out.length % templates.length]!);
  }
  return out;
}

export const GENERAL_CALIBRATION_PROMPTS: readonly string[] = [
  'a photo of a red fox in a snowy forest',
  'a bowl of fruit on a wooden table, soft window light',
  'a lighthouse on a rocky coast at sunset',
  'portrait of an old man with a grey beard, studio lighting',
  'a city street at night with neon signs and rain',
  'a watercolor painting of a mountain lake',
  'a cup of coffee next to an open book',
  'a vintage red car parked in front of a brick wall',
  'an astronaut riding a horse on mars',
  'a cozy living room with a fireplace',
  'a field of sunflowers under a blue sky',
  'a cat sleeping on a windowsill',
];
