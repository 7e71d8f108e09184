// UNet structure detection from tensor names and shapes only. The oracle for SD 1.5 is its block table as
// CompVis openaimodel.py builds it from v1-inference.yaml (model_channels 320, channel_mult [1,2,4,4],
// num_res_blocks 2, attention_resolutions [4,2,1], num_heads 8, context_dim 768), written out by hand.
import { describe, expect, test } from 'vitest';
import { WeightSource } from '../../../../../main/engine/graph/scope';
import { detectUNetConfig, headsFor, inputBlockScale, outputBlockScale, type InputBlock, type OutputBlock } from '../../../../../main/engine/models/unet/config';
import type { ModelHints } from '../../../../../main/engine/models/model-hints';
import { SD15_CONFIG, type Sd1UnetConfig } from '../../../../../main/engine/weights/sd1-config';
import { unetTensorSpecs } from '../../../../../main/engine/weights/sd1-tensors';
import { syntheticIndex } from '../../../../fixtures/weights-files';

const HINTS: ModelHints = { scaleFactor: 0.18215, notices: [] };

function sourceFor(config: Sd1UnetConfig, drop: (name: string) => boolean = () => false): WeightSource {
  const specs = unetTensorSpecs(config).filter((s) => !drop(s.name));
  return new WeightSource(syntheticIndex(specs.map((s) => [s.name, s.shape] as const)), '/');
}

const res = (attention: boolean): InputBlock => ({ kind: 'res', attention });
const out = (attention: boolean, upsample: boolean): OutputBlock => ({ attention, upsample });

describe('detectUNetConfig', () => {
  test('SD 1.5: the block table of openaimodel.py', () => {
    const config = detectUNetConfig(sourceFor(SD15_CONFIG.unet), HINTS);
    expect(config).toEqual({
      inChannels: 4, outChannels: 4, modelChannels: 320, contextDim: 768, heads: { count: 8 },
      inputBlocks: [
        { kind: 'conv-in' },
        res(true), res(true), { kind: 'down' }, //   320 ch, 64×64 latent at 512 px
        res(true), res(true), { kind: 'down' }, //   640 ch
        res(true), res(true), { kind: 'down' }, //  1280 ch
        res(false), res(false), //                  1280 ch, 8×8: no attention
      ],
      outputBlocks: [
        out(false, false), out(false, false), out(false, true),
        out(true, false), out(true, false), out(true, true),
        out(true, false), out(true, false), out(true, true),
        out(true, false), out(true, false), out(true, false),
      ],
    });
    expect(config.inputBlocks.map((_, i) => inputBlockScale(config, i))).toEqual([1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8]);
    expect(config.outputBlocks.map((_, i) => outputBlockScale(config, i))).toEqual([8, 8, 8, 4, 4, 4, 2, 2, 2, 1, 1, 1]);
    expect([320, 640, 1280].map((c) => headsFor(config, c))).toEqual([8, 8, 8]);
  });

  test('odd widths, three res blocks per level, attention only in the deepest level', () => {
    const odd: Sd1UnetConfig = {
      inChannels: 9, outChannels: 4, modelChannels: 96, channelMult: [1, 3], numResBlocks: 3,
      attentionLevels: [1], numHeads: 3, contextDim: 40, transformerDepth: 2,
    };
    const config = detectUNetConfig(sourceFor(odd), { ...HINTS, unetHeads: 3 });
    expect(config).toMatchObject({ inChannels: 9, outChannels: 4, modelChannels: 96, contextDim: 40, heads: { count: 3 } });
    expect(config.inputBlocks).toEqual([{ kind: 'conv-in' }, res(false), res(false), res(false), { kind: 'down' }, res(true), res(true), res(true)]);
    expect(config.outputBlocks).toEqual([
      out(true, false), out(true, false), out(true, false), out(true, true),
      out(false, false), out(false, false), out(false, false), out(false, false),
    ]);
    expect(headsFor(config, 288)).toBe(3);
  });

  test('heads come from the hints (shapes cannot tell them); a width that does not split is refused', () => {
    const src = sourceFor(SD15_CONFIG.unet);
    const byWidth = detectUNetConfig(src, { ...HINTS, unetHeadChannels: 64 });
    expect(byWidth.heads).toEqual({ channels: 64 });
    expect(headsFor(byWidth, 320)).toBe(5);
    expect(headsFor(byWidth, 1280)).toBe(20);
    expect(() => headsFor(byWidth, 96)).toThrow(/does not split into heads/);
    // A head count that does not divide the model's channels is refused when the config is read, naming the field.
    expect(() => detectUNetConfig(src, { ...HINTS, unetHeads: 3 })).toThrow(/3 attention heads, which do not divide its 320 channels \(check num_heads/);
  });

  test('a truncated UNet (a missing output block) is model-incomplete, not a crash deep in a block', () => {
    const src = sourceFor(SD15_CONFIG.unet, (n) => n.includes('.output_blocks.11.'));
    expect(() => detectUNetConfig(src, HINTS)).toThrow(expect.objectContaining({ code: 'model-incomplete' }));
  });

  test('a UNet without cross-attention is model-unsupported', () => {
    const src = sourceFor(SD15_CONFIG.unet, (n) => n.includes('.attn2.'));
    expect(() => detectUNetConfig(src, HINTS)).toThrow(expect.objectContaining({ code: 'model-unsupported' }));
  });
});
