// The A1111 `parameters` text: exact format, round trips (Unicode, newlines, 64 KB prompt), sampler names,
// and agreement with A1111's own Python parser/quoter (copied verbatim below) when python3 is available.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { formatA1111Parameters, parseA1111Parameters, type A1111Parameters } from '../../../main/images/parameters';
import { SAMPLER_NAMES } from '../../../preload/contract/vocabulary';

const base: A1111Parameters = {
  prompt: 'a red fox in the snow', negativePrompt: 'blurry, lowres', steps: 30, sampler: 'ddim', cfg: 5, seed: 1,
  width: 128, height: 128, modelHash: '6ce0161689', modelName: 'v1-5-pruned-emaonly',
};

const longPrompt = Array.from({ length: 6000 }, (_, i) => `(detail ${i}:1.1)`).join(', ').slice(0, 64 * 1024);

const roundTripCases: A1111Parameters[] = [
  base,
  { ...base, negativePrompt: '' },
  { ...base, prompt: '富士山の夕焼け, 🌅 ultra detailed — café «quotes» "double"', negativePrompt: 'ぼやけた\nzweite Zeile: ü' },
  { ...base, prompt: 'line one\nline two, with: colons\nline three', negativePrompt: 'neg one\nneg two' },
  { ...base, prompt: longPrompt, negativePrompt: longPrompt },
  { ...base, modelName: 'my, model: "v2"', modelHash: null, cfg: 7.5, seed: 4_294_967_295 },
  { ...base, extra: { 'Clip skip': 2, 'Note': 'a, b' } },
];

describe('formatA1111Parameters', () => {
  it('writes the A1111 layout', () => {
    expect(formatA1111Parameters(base)).toBe(
      'a red fox in the snow\nNegative prompt: blurry, lowres\n' +
      'Steps: 30, Sampler: DDIM, Schedule type: Automatic, CFG scale: 5, Seed: 1, Size: 128x128, ' +
      'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly');
    expect(formatA1111Parameters({ ...base, negativePrompt: '', modelHash: null, modelName: null, sampler: 'dpmpp_2m_karras' }))
      .toBe('a red fox in the snow\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5, Seed: 1, Size: 128x128');
  });

  it('uses A1111 sampler display names', () => {
    const names = SAMPLER_NAMES.map((sampler) => parseA1111Parameters(formatA1111Parameters({ ...base, sampler })).fields['Sampler']);
    expect(names).toEqual(['DDIM', 'PLMS', 'Euler', 'Euler a', 'DPM++ 2M', 'DPM++ 2M']);
  });
});

describe('parseA1111Parameters', () => {
  it.each(roundTripCases.map((c, i) => [i, c] as const))('round-trips case %i exactly', (_, p) => {
    const parsed = parseA1111Parameters(formatA1111Parameters(p));
    expect(parsed).toMatchObject({
      prompt: p.prompt, negativePrompt: p.negativePrompt, steps: p.steps, sampler: p.sampler, cfg: p.cfg, seed: p.seed,
      width: p.width, height: p.height,
    });
    expect(parsed.modelName).toBe(p.modelName ?? undefined);
    expect(parsed.modelHash).toBe(p.modelHash ?? undefined);
    for (const [k, v] of Object.entries(p.extra ?? {})) expect(parsed.fields[k]).toBe(String(v));
  });

  it('round-trips every sampler', () => {
    for (const sampler of SAMPLER_NAMES) expect(parseA1111Parameters(formatA1111Parameters({ ...base, sampler })).sampler).toBe(sampler);
  });

  it('reads text written by A1111 itself, including the pre-1.9 "DPM++ 2M Karras" sampler name', () => {
    const text = 'masterpiece, 1girl, (smile:1.2)\nNegative prompt: (worst quality:1.4), lowres\n' +
      'Steps: 25, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 3456789012, Size: 512x768, Model hash: a9263745, ' +
      'Model: anything-v4.5, Denoising strength: 0.5, Clip skip: 2, ENSD: 31337, Hires upscale: 2, Version: v1.6.0';
    expect(parseA1111Parameters(text)).toMatchObject({
      prompt: 'masterpiece, 1girl, (smile:1.2)', negativePrompt: '(worst quality:1.4), lowres', steps: 25,
      sampler: 'dpmpp_2m_karras', cfg: 7.5, seed: 3456789012, width: 512, height: 768, modelHash: 'a9263745',
      modelName: 'anything-v4.5', fields: { 'Clip skip': '2', ENSD: '31337', Version: 'v1.6.0' },
    });
  });

  it('treats text without a parameter line as a bare prompt and leaves unknown samplers undefined', () => {
    expect(parseA1111Parameters('just a prompt, nothing else')).toEqual({ prompt: 'just a prompt, nothing else', negativePrompt: '', fields: {} });
    const parsed = parseA1111Parameters('p\nSteps: x, Sampler: UniPC, CFG scale: 7, Seed: -1, Size: big');
    expect(parsed.sampler).toBeUndefined();
    expect(parsed.steps).toBeUndefined();
    expect(parsed.width).toBeUndefined();
    expect(parsed.seed).toBe(-1);
  });
});

// Verbatim from AUTOMATIC1111/stable-diffusion-webui modules/infotext_utils.py (quote, unquote, re_param,
// parse_generation_parameters without its model-specific post-processing) and processing.py's join.
const A1111_PY = String.raw`
import json, re, sys
re_param_code = r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)'
re_param = re.compile(re_param_code)
re_imagesize = re.compile(r"^(\d+)x(\d+)$")
def quote(text):
    if ',' not in str(text) and '\n' not in str(text) and ':' not in str(text):
        return text
    return json.dumps(text, ensure_ascii=False)
def unquote(text):
    if len(text) == 0 or text[0] != '"' or text[-1] != '"':
        return text
    try:
        return json.loads(text)
    except Exception:
        return text
def parse_generation_parameters(x):
    res = {}
    prompt = ""
    negative_prompt = ""
    done_with_prompt = False
    *lines, lastline = x.strip().split("\n")
    if len(re_param.findall(lastline)) < 3:
        lines.append(lastline)
        lastline = ''
    for line in lines:
        line = line.strip()
        if line.startswith("Negative prompt:"):
            done_with_prompt = True
            line = line[16:].strip()
        if done_with_prompt:
            negative_prompt += ("" if negative_prompt == "" else "\n") + line
        else:
            prompt += ("" if prompt == "" else "\n") + line
    res["Prompt"] = prompt
    res["Negative prompt"] = negative_prompt
    for k, v in re_param.findall(lastline):
        if v[0] == '"' and v[-1] == '"':
            v = unquote(v)
        m = re_imagesize.match(v)
        if m is not None:
            res[f"{k}-1"] = m.group(1)
            res[f"{k}-2"] = m.group(2)
        else:
            res[k] = v
    return res
def infotext(prompt, negative, params):
    line = ", ".join([k if k == v else f'{k}: {quote(v)}' for k, v in params if v is not None])
    neg = f"\nNegative prompt: {negative}" if negative else ""
    return f"{prompt}{neg}\n{line}".strip()
out = []
for case in json.load(sys.stdin):
    out.append({"parsed": parse_generation_parameters(case["text"]),
                "formatted": infotext(case["prompt"], case["negative"], case["params"])})
json.dump(out, sys.stdout, ensure_ascii=False)
`;

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!hasPython)('agreement with A1111\'s Python code (python3)', () => {
  it('parses our text the same way and formats the same text from the same values', () => {
    const cases = roundTripCases.map((p) => {
      const text = formatA1111Parameters(p);
      const parsed = parseA1111Parameters(text);
      return { p, text, parsed };
    });
    const input = cases.map(({ p, text, parsed }) => ({
      text, prompt: p.prompt, negative: p.negativePrompt, params: Object.entries(parsed.fields),
    }));
    const run = spawnSync('python3', ['-c', A1111_PY], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as { parsed: Record<string, string>; formatted: string }[];
    results.forEach((r, i) => {
      const { text, parsed } = cases[i]!;
      expect(r.formatted).toBe(text);
      const { Prompt, 'Negative prompt': negative, ...fields } = r.parsed;
      expect(Prompt).toBe(parsed.prompt);
      expect(negative).toBe(parsed.negativePrompt);
      const ours: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed.fields)) {
        const size = /^(\d+)x(\d+)$/.exec(v);
        if (size) { ours[`${k}-1`] = size[1]!; ours[`${k}-2`] = size[2]!; } else ours[k] = v;
      }
      expect(fields).toEqual(ours);
    });
    console.log(`A1111 Python oracle agreed on ${results.length} cases`);
  });
});
if (!hasPython) console.log('python3 not found: the A1111 oracle comparison is skipped');

/** Prompts holding A1111's own field markers (issue: they were read back as the negative prompt). */
const markerCases: A1111Parameters[] = [
  { ...base, prompt: 'a cat\nNegative prompt: not really, this is the prompt', negativePrompt: 'blurry' },
  { ...base, prompt: 'Negative prompt: the whole prompt', negativePrompt: '' },
  { ...base, prompt: '  Negative prompt: indented marker', negativePrompt: 'x\nNegative prompt: inside the negative' },
  { ...base, prompt: '\\Negative prompt: already escaped\n\\\\Negative prompt: twice', negativePrompt: '' },
  { ...base, prompt: 'a dog\nSteps: 1, Sampler: Euler, CFG scale: 3, Seed: 9, Size: 64x64', negativePrompt: '' },
  { ...base, prompt: 'Steps: 1, Sampler: Euler, CFG scale: 3', negativePrompt: 'Steps: 2, Sampler: DDIM, CFG scale: 4' },
];

describe('prompts with A1111 field markers', () => {
  it.each(markerCases.map((c, i) => [i, c] as const))('case %i round-trips exactly', (_, p) => {
    const parsed = parseA1111Parameters(formatA1111Parameters(p));
    expect(parsed.prompt).toBe(p.prompt.split('\n').map((l) => l.trim()).join('\n'));
    expect(parsed.negativePrompt).toBe(p.negativePrompt.split('\n').map((l) => l.trim()).join('\n'));
    expect(parsed).toMatchObject({ steps: p.steps, sampler: p.sampler, cfg: p.cfg, seed: p.seed, width: p.width });
  });

  it('a marker line is written with one more backslash', () => {
    expect(formatA1111Parameters({ ...base, prompt: 'Negative prompt: x\n\\Negative prompt: y', negativePrompt: '' }).split('\n').slice(0, 2))
      .toEqual(['\\Negative prompt: x', '\\\\Negative prompt: y']);
  });

  it('leading and trailing spaces of a line are what the A1111 text cannot carry (A1111 trims every line)', () => {
    const parsed = parseA1111Parameters(formatA1111Parameters({ ...base, prompt: '  a cat  \n\tin a hat', negativePrompt: ' blurry ' }));
    expect(parsed.prompt).toBe('a cat\nin a hat');
    expect(parsed.negativePrompt).toBe('blurry');
  });

  it.skipIf(!hasPython)('A1111\'s own parser keeps each marker line in the right prompt', () => {
    const input = markerCases.map((p) => ({ text: formatA1111Parameters(p), prompt: '', negative: '', params: [] }));
    const run = spawnSync('python3', ['-c', A1111_PY], { input: JSON.stringify(input), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as { parsed: Record<string, string> }[];
    results.forEach((r, i) => {
      const p = markerCases[i]!;
      const unescape = (s: string): string => s.split('\n').map((l) => l.replace(/^\\(\\*Negative prompt:)/, '$1')).join('\n');
      expect(unescape(r.parsed.Prompt!)).toBe(p.prompt.split('\n').map((l) => l.trim()).join('\n'));
      expect(unescape(r.parsed['Negative prompt']!)).toBe(p.negativePrompt.split('\n').map((l) => l.trim()).join('\n'));
    });
  });
});
