// The bench's unseen-caption set: fresh captions of the demo model's grammar with the colours each asks for,
// never the captions calibration draws.
import { describe, expect, it } from 'vitest';
import { grammarEvalCaptions } from '../../../bench/demo-captions';
import { demoGrammarPrompts } from '../../../main/engine/accel/calibration-prompts';

describe('grammar evaluation captions', () => {
  it('name the shape colour first and the background colour last, in every template', () => {
    const captions = grammarEvalCaptions(48);
    expect(captions).toHaveLength(48);
    for (const c of captions) {
      expect(c.shape_colour).not.toBe(c.background_colour);
      expect(c.caption.indexOf(c.shape_colour)).toBeLessThan(c.caption.lastIndexOf(c.background_colour));
    }
    expect(captions[3]).toEqual({ caption: expect.stringMatching(/^(small|large) \w+ (circle|square|triangle|ring) on \w+$/), shape_colour: expect.any(String), background_colour: expect.any(String) });
  });

  it('share no caption with the default calibration prompts', () => {
    const calibration = new Set(demoGrammarPrompts(12));
    expect(grammarEvalCaptions(48).filter((c) => calibration.has(c.caption))).toEqual([]);
  });
});
