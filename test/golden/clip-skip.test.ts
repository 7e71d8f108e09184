// Clip skip as A1111 (modules/sd_hijack_clip.py): skip N uses hidden_states[-N] of the CLIP text model, the
// output of its (layers − N + 1)-th layer, then final_layer_norm. Checked against the reference's residual
// stream after every encoder layer (shared/reference/tiny-sd1/text_0_intermediates.safetensors), with the
// final layer norm recomputed here in float64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { layerNorm64, readIntermediates, readWeights } from '../helpers/intermediates';
import { maxAbsDiff, refArray, report } from '../helpers/numeric';
import { tinyRefDir } from '../helpers/paths';
import { openTinyReference } from '../helpers/runtimes';

let rt: ModelRuntime;
beforeAll(async () => { rt = await openTinyReference(); });
afterAll(async () => { await rt?.dispose(); });

const ids = (): BigInt64Array => BigInt64Array.from(refArray('text_0_ids.npy').data, (v) => BigInt(v));
const LN = 'cond_stage_model.transformer.text_model.final_layer_norm';

describe('clip skip on the SD 1.x text encoder', () => {
  it('skip 1 is the last layer (last_hidden_state)', async () => {
    const err = maxAbsDiff(await rt.encodeText(ids(), 1, 1), refArray('text_0_hidden.npy').data);
    report('clip skip 1', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('skip N = final_layer_norm of the output of layer (layers − N) for every valid N', async () => {
    const inter = readIntermediates(tinyRefDir, 'text_0_intermediates.safetensors');
    const [w, b] = await readWeights(rt, [`${LN}.weight`, `${LN}.bias`]);
    const layers = rt.model.text.layers; // 2 in the tiny reference
    expect(rt.model.clipSkipLimit).toBe(layers);
    for (let skip = 1; skip <= layers; skip++) {
      const expected = layerNorm64(inter.get(`encoder.layers.${layers - skip}`)!, w!, b!, rt.model.text.width);
      const mine = await rt.encodeText(ids(), 1, skip);
      const err = maxAbsDiff(mine, expected);
      report(`clip skip ${skip}`, { maxAbs: err });
      expect(err).toBeLessThanOrEqual(1e-4);
    }
    // skip 2 really differs from skip 1 (the test can fail)
    expect(maxAbsDiff(await rt.encodeText(ids(), 1, 2), refArray('text_0_hidden.npy').data)).toBeGreaterThan(1e-2);
  });

  it('refuses clip skip beyond the layer count, or not a whole number, with the range', async () => {
    await expect(rt.encodeText(ids(), 1, rt.model.text.layers + 1)).rejects.toThrow(/from 1 to 2/);
    await expect(rt.encodeText(ids(), 1, 0)).rejects.toThrow(/Clip skip must be/);
    await expect(rt.encodeText(ids(), 1, 1.5)).rejects.toThrow(/Clip skip must be/);
  });
});
