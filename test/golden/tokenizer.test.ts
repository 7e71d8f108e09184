// The CLIP tokenizer against shared/reference/tiny-sd1/tokenizer.json (OpenAI simple_tokenizer.py with
// ftfy = identity, see that folder's README, section 3): every prompt's cleaned text, untruncated BPE ids
// and pieces, and the 77 SD1 ids must match exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePromptChunks } from '../../main/engine/models/clip/prompt-chunks';
import { cleanText } from '../../main/engine/models/clip/text-clean';
import { ClipTokenizer, CONTEXT_LENGTH, END, START } from '../../main/engine/models/clip/tokenizer';
import { clipBpePath, tinyRefDir } from '../helpers/paths';

interface ReferencePrompt {
  prompt: string;
  normalized_text: string;
  ids: number[];
  n_bpe_tokens: number;
  truncated: boolean;
  bpe_ids: number[];
  bpe_pieces: string[];
}

interface ReferenceTokenizer {
  context_length: number;
  bos_id: number;
  eos_id: number;
  pad_id: number;
  prompts: ReferencePrompt[];
}

const reference = JSON.parse(readFileSync(join(tinyRefDir, 'tokenizer.json'), 'utf8')) as ReferenceTokenizer;

let tokenizer: ClipTokenizer;
beforeAll(async () => { tokenizer = await ClipTokenizer.fromBpeGz(clipBpePath); });

describe('golden: CLIP tokenizer vs tiny-sd1 tokenizer.json', () => {
  it('uses the reference conventions', () => {
    expect([reference.context_length, reference.bos_id, reference.eos_id, reference.pad_id])
      .toEqual([CONTEXT_LENGTH, START, END, END]);
    expect(reference.prompts).toHaveLength(25);
  });

  it('reproduces every prompt exactly', () => {
    let matched = 0;
    for (const ref of reference.prompts) {
      const bpeIds = tokenizer.encode(ref.prompt);
      const ids = Array.from(tokenizer.encodeSd1(ref.prompt));
      const ok = cleanText(ref.prompt) === ref.normalized_text
        && JSON.stringify(bpeIds) === JSON.stringify(ref.bpe_ids)
        && JSON.stringify(ids) === JSON.stringify(ref.ids)
        && JSON.stringify(ref.bpe_pieces.map((p) => tokenizer.tokenId(p))) === JSON.stringify(ref.bpe_ids)
        && bpeIds.length === ref.n_bpe_tokens && (bpeIds.length > 75) === ref.truncated;
      if (ok) matched++;
      else console.log(`mismatch: ${JSON.stringify(ref.prompt)}`);
    }
    console.log(`tokenizer golden: ${matched}/${reference.prompts.length} prompts match exactly (ids and bpe_ids)`);
    for (const ref of reference.prompts) {
      expect(cleanText(ref.prompt), ref.prompt).toBe(ref.normalized_text);
      expect(tokenizer.encode(ref.prompt), ref.prompt).toEqual(ref.bpe_ids);
      expect(Array.from(tokenizer.encodeSd1(ref.prompt)), ref.prompt).toEqual(ref.ids);
    }
    expect(matched).toBe(reference.prompts.length);
  });

  it('the A1111 chunk path gives the reference ids for every plain prompt', () => {
    let plain = 0;
    for (const ref of reference.prompts) {
      const { chunks, isPlain } = encodePromptChunks(tokenizer, ref.prompt);
      if (!isPlain) continue;
      plain++;
      expect(chunks).toHaveLength(1);
      expect(Array.from(chunks[0]!.ids), ref.prompt).toEqual(ref.ids);
    }
    console.log(`plain prompts through encodePromptChunks: ${plain}/${reference.prompts.length} identical to the reference`);
    // Not plain: the emphasis-syntax prompt and the two with more than 75 tokens.
    expect(plain).toBe(reference.prompts.length - 3);
  });
});
