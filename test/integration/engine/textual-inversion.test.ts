// Textual-inversion embeddings on the tiny SD 1.x reference, against an independent computation: the same
// vectors written into the token-embedding table of a copy of the checkpoint (rows of two unused ids), and
// those ids used in place of the trigger. Token ids, encoder states (also under emphasis and in the
// negative prompt) must agree; plain prompts stay bit-identical with embeddings loaded.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEmphasis, encodePromptChunks } from '../../../main/engine/models/clip/prompt-chunks';
import { END, START } from '../../../main/engine/models/clip/tokenizer';
import { ModelRuntime } from '../../../main/engine/pipeline/model-runtime';
import { createRng } from '../../../main/engine/pipeline/rng';
import { encodeConditioning } from '../../../main/engine/pipeline/text-conditioning';
import { decodeToF32, readSafetensorsHeader, readTensorBytes } from '../../../main/engine/weights/safetensors';
import { writeSafetensors, type TensorToWrite } from '../../../main/engine/weights/safetensors-writer';
import { maxAbsDiff, report } from '../../helpers/numeric';
import { clipBpePath, testCacheDir, tinyRefDir, tinySd2RefDir } from '../../helpers/paths';

const dir = mkdtempSync(join(tmpdir(), 'ti-'));
const WIDTH = 32;
const SPARE = [400, 401]; // two vocabulary ids the prompts below never use
const vectors = Float32Array.from(createRng(77).randn(2 * WIDTH), (v) => v * 0.5);
const embeddingPath = join(dir, 'my-emb.safetensors');
let withEmb: ModelRuntime;
let spare: ModelRuntime; // the checkpoint with the vectors in rows SPARE

async function spareCheckpoint(): Promise<string> {
  const header = await readSafetensorsHeader(join(tinyRefDir, 'model.safetensors'));
  const tensors: TensorToWrite[] = [];
  for (const t of header.tensors.values()) {
    const w = decodeToF32(await readTensorBytes({ file: header.file, offset: t.offset, byteLength: t.byteLength }), 'F16');
    if (t.name.endsWith('token_embedding.weight')) SPARE.forEach((id, v) => w.set(vectors.subarray(v * WIDTH, (v + 1) * WIDTH), id * WIDTH));
    tensors.push({ name: t.name, dtype: 'F32', shape: t.shape, data: () => [new Uint8Array(w.buffer)] });
  }
  const sub = mkdtempSync(join(dir, 'spare-'));
  copyFileSync(join(tinyRefDir, 'config.json'), join(sub, 'config.json'));
  await writeSafetensors(join(sub, 'model.safetensors'), tensors);
  return join(sub, 'model.safetensors');
}

const open = (path: string, embeddings: string[] = []): Promise<ModelRuntime> =>
  ModelRuntime.open(path, { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir, embeddings });

beforeAll(async () => {
  await writeSafetensors(embeddingPath, [{ name: 'emb_params', dtype: 'F32', shape: [2, WIDTH], data: () => [new Uint8Array(vectors.buffer)] }]);
  withEmb = await open(join(tinyRefDir, 'model.safetensors'), [embeddingPath]);
  spare = await open(await spareCheckpoint());
});
afterAll(async () => { await withEmb?.dispose(); await spare?.dispose(); });

/** 77 ids: START, the prompt's tokens with the trigger replaced by `replacement`, END padding. */
function idsWith(before: string, after: string, replacement: readonly number[]): BigInt64Array {
  const t = withEmb.tokenizer;
  const ids = [START, ...t.encode(before), ...replacement, ...t.encode(after), END];
  return BigInt64Array.from([...ids, ...new Array<number>(77 - ids.length).fill(END)], (v) => BigInt(v));
}

const cond = (rt: ModelRuntime, prompt: string, negative = '') =>
  encodeConditioning(rt.tokenizer, (ids, n, inject) => rt.encodeText(ids, n, 1, inject), rt.model.text.width, prompt, negative, 1, rt.padId, rt.embeddings);

describe('textual-inversion embeddings', () => {
  it('token ids: the trigger becomes one placeholder per vector, recorded as a fix', () => {
    const chunks = encodePromptChunks(withEmb.tokenizer, 'a photo of my-emb on mars', END, withEmb.embeddings);
    expect(chunks.isPlain).toBe(false);
    const [chunk] = chunks.chunks;
    expect([...chunk!.ids].map(BigInt)).toEqual([...idsWith('a photo of', 'on mars', [0, 0])]);
    expect(chunk!.fixes).toMatchObject([{ offset: 3, embedding: { name: 'my-emb', count: 2 } }]);
  });

  it('encoder states equal the checkpoint with the vectors in the embedding table', async () => {
    const mine = await cond(withEmb, 'a photo of my-emb on mars');
    const expected = await spare.encodeText(idsWith('a photo of', 'on mars', SPARE), 1);
    const err = maxAbsDiff(mine.context.subarray(77 * WIDTH), expected);
    report('textual inversion', { maxAbs: err });
    expect(err).toBeLessThanOrEqual(1e-5);
  });

  it('emphasis applies to the vectors, and the negative prompt triggers too', async () => {
    const mine = await cond(withEmb, 'a photo of (my-emb:1.3) on mars', 'my-emb');
    const hidden = await spare.encodeText(idsWith('a photo of', 'on mars', SPARE), 1);
    const weights = new Float32Array(77).fill(1);
    weights[4] = weights[5] = Math.fround(1.3);
    const err = maxAbsDiff(mine.context.subarray(77 * WIDTH), applyEmphasis(hidden, 77, WIDTH, weights));
    const negErr = maxAbsDiff(mine.context.subarray(0, 77 * WIDTH), await spare.encodeText(idsWith('', '', SPARE), 1));
    report('textual inversion weighted / negative', { maxAbs: err, negative: negErr });
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(negErr).toBeLessThanOrEqual(1e-5);
  });

  it('plain prompts are bit-identical with embeddings loaded', async () => {
    const plain = await open(join(tinyRefDir, 'model.safetensors'));
    try {
      for (const prompt of ['a photo of an astronaut riding a horse on mars', 'a (red:1.2) circle, BREAK blue']) {
        expect(maxAbsDiff((await cond(withEmb, prompt)).context, (await cond(plain, prompt)).context)).toBe(0);
      }
    } finally {
      await plain.dispose();
    }
  });

  it('refuses an embedding of another width (SD 1.x embedding on SD 2.x)', async () => {
    await expect(open(join(tinySd2RefDir, 'model.safetensors'), [embeddingPath])).rejects.toThrow(/width 32, but this model's text encoder has width 64/);
  });
});
