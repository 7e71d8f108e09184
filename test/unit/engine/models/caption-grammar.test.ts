// Example prompts from the demo model's own caption grammar (its config.json `data`): every one follows a
// training template and none is one of the held-out evaluation captions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplePrompts, readCaptionGrammar } from '../../../../main/engine/models/caption-grammar';

const DEMO_DIR = join(__dirname, '..', '..', '..', '..', 'resources', 'models', 'demo-shapes-sd1');

describe('caption grammar', () => {
  const config = JSON.parse(readFileSync(join(DEMO_DIR, 'config.json'), 'utf8')) as { data: unknown };
  const grammar = readCaptionGrammar(config.data)!;
  const heldOut = (JSON.parse(readFileSync(join(DEMO_DIR, 'eval_captions.json'), 'utf8')) as { captions: { caption: string }[] })
    .captions.map((c) => c.caption);

  it('reads the vocabularies and templates of the demo model', () => {
    expect(grammar.colours).toContain('red');
    expect(grammar.shapes).toEqual(['circle', 'square', 'triangle', 'ring']);
    expect(grammar.templates.length).toBeGreaterThan(3);
  });

  it('writes varied prompts in the grammar, none of them held out', () => {
    const prompts = examplePrompts(grammar, 4);
    console.log(prompts);
    expect(prompts).toHaveLength(4);
    expect(new Set(prompts).size).toBe(4);
    expect(prompts[0]).toBe('a large red circle in the center on a blue background');
    for (const p of prompts) {
      expect(heldOut).not.toContain(p);
      expect(p).not.toMatch(/[{}]/);
      expect(grammar.shapes.some((s) => p.includes(s))).toBe(true);
      expect(p).not.toMatch(/\ba [aeiou]/);
    }
  });

  it('has no grammar for a config without one, and skips templates with unknown placeholders', () => {
    expect(readCaptionGrammar(undefined)).toBeNull();
    expect(readCaptionGrammar({ shapes: ['circle'] })).toBeNull();
    const odd = { colours: ['red', 'blue'], shapes: ['circle'], sizes: ['small'], positions: ['left'], templates: ['{X} thing', '{a_c} on {b}'] };
    expect(examplePrompts(readCaptionGrammar(odd)!, 1)).toEqual(['a blue circle on red']);
  });
});
