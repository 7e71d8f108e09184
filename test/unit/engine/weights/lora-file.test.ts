// Hostile and malformed LoRA files are refused with a message, never loaded: pickles (with a canary that
// would run a command if anything unpickled it), broken safetensors headers, out-of-bounds offsets, and
// files with no adapter tensors. Layout detection from the key names.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { readLoraFile } from '../../../../main/engine/weights/lora/lora-file';
import { describeAddonFile } from '../../../../main/engine/weights/addon-file';
import { addonHashes } from '../../../../main/engine/weights/addon-hash';
import { canaryPickle, rawSafetensors } from '../../../fixtures/weights-files';

const dir = mkdtempSync(join(tmpdir(), 'lora-file-'));
const file = (name: string, bytes: Buffer): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const f32 = (n: number): { dtype: string; shape: number[] } => ({ dtype: 'F32', shape: [n] });

async function refusal(path: string): Promise<EngineError> {
  try { await readLoraFile(path); } catch (err) { expect(err).toBeInstanceOf(EngineError); return err as EngineError; }
  throw new Error('expected a refusal');
}

describe('readLoraFile on hostile files', () => {
  it.skipIf(process.platform === 'win32')('refuses a FIFO or a link to /dev/zero as not a regular file, at once (LoRA, embedding, VAE, hashes)', async () => {
    const fifo = join(dir, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    const zero = join(dir, 'zero.safetensors');
    symlinkSync('/dev/zero', zero);
    for (const path of [fifo, zero]) {
      const err = await refusal(path);
      expect(err.code).toBe('model-corrupt');
      expect(err.message).toMatch(/not a regular file/);
      await expect(describeAddonFile(path)).rejects.toThrow(/not a regular file/);
      await expect(addonHashes([path], undefined)).rejects.toThrow(/not a regular file/);
      await expect(addonHashes([], path)).rejects.toThrow(/not a regular file/);
    }
  });

  it('refuses a pickle LoRA without unpickling it (the canary never runs)', async () => {
    const canary = join(dir, 'canary-ran');
    const err = await refusal(file('evil.pt', canaryPickle(`touch ${canary}`)));
    expect(err.code).toBe('model-pickle');
    expect(err.message).toMatch(/is a pickle LoRA/);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses a truncated header, a header length past the end, and offsets outside the file', async () => {
    expect((await refusal(file('short.safetensors', Buffer.from([1, 2, 3])))).code).toBe('model-corrupt');
    expect((await refusal(file('len.safetensors', rawSafetensors('{}', 0, { lengthOverride: 1n << 40n })))).code).toBe('model-corrupt');
    const outside = { 'lora_unet_a.lora_down.weight': { ...f32(4), data_offsets: [0, 1 << 20] } };
    expect((await refusal(file('oob.safetensors', rawSafetensors(outside, 16)))).code).toBe('model-corrupt');
  });

  it('refuses a file with no tensors', async () => {
    expect((await refusal(file('empty.safetensors', rawSafetensors('{}')))).message).toMatch(/holds no tensors/);
  });
});

describe('readLoraFile layouts', () => {
  const lora = (keys: string[]): string => {
    const header: Record<string, unknown> = {};
    keys.forEach((k, i) => { header[k] = { ...f32(1), data_offsets: [i * 4, i * 4 + 4] }; });
    return file(`l${Math.random().toString(36).slice(2)}.safetensors`, rawSafetensors(header, keys.length * 4));
  };
  it.each([
    ['kohya', ['lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', 'lora_unet_down_blocks_0_attentions_0_proj_in.alpha']],
    ['diffusers', ['unet.down_blocks.0.attentions.0.proj_in.lora.down.weight', 'unet.down_blocks.0.attentions.0.proj_in.lora.up.weight']],
    ['diffusers', ['unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight', 'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight']],
    ['peft', ['text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', 'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight']],
    ['lycoris', ['lora_unet_mid_block_attentions_0_proj_out.hada_w1_a', 'lora_unet_mid_block_attentions_0_proj_out.hada_w1_b', 'lora_unet_mid_block_attentions_0_proj_out.hada_w2_a', 'lora_unet_mid_block_attentions_0_proj_out.hada_w2_b']],
    ['lycoris', ['lora_te_text_model_encoder_layers_0_mlp_fc1.lokr_w1', 'lora_te_text_model_encoder_layers_0_mlp_fc1.lokr_w2']],
  ] as const)('detects %s', async (layout, keys) => {
    const l = await readLoraFile(lora([...keys]));
    expect(l.layout).toBe(layout);
    expect(l.modules.length).toBe(1);
    expect(l.unknownKeys).toEqual([]);
  });

  it('normalises module names to underscores and old attention processors to their projection', async () => {
    const l = await readLoraFile(lora(['unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight',
      'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight']));
    expect(l.modules[0]).toMatchObject({ part: 'unet', name: 'down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0', kind: 'lora' });
  });
});

describe('describeAddonFile (dato-studio info)', () => {
  const write = (name: string, header: Record<string, unknown>, bytes: number): string => file(name, rawSafetensors(header, bytes));
  it('describes a LoRA: layout, modules, rank, base model and trigger words from its metadata', async () => {
    const path = write('style.safetensors', {
      __metadata__: { ss_base_model_version: 'sd_v1', ss_tag_frequency: JSON.stringify({ set: { 'ink style': 9, cat: 3 } }) },
      'lora_unet_mid_block_attentions_0_proj_out.lora_down.weight': { dtype: 'F32', shape: [8, 4], data_offsets: [0, 128] },
      'lora_unet_mid_block_attentions_0_proj_out.lora_up.weight': { dtype: 'F32', shape: [4, 8], data_offsets: [128, 256] },
      'lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight': { dtype: 'F32', shape: [8, 4], data_offsets: [256, 384] },
      'lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight': { dtype: 'F32', shape: [4, 8], data_offsets: [384, 512] },
    }, 512);
    expect(await describeAddonFile(path)).toMatchObject({
      kind: 'lora', layout: 'kohya', modules: { unet: 1, text: 1 }, rank: 8, baseModel: 'sd_v1', madeFor: 'sd1', triggerWords: ['ink style', 'cat'],
    });
  });

  it('describes embeddings (emb_params, string_to_param) with their width and family, and VAEs', async () => {
    expect(await describeAddonFile(write('my-emb.safetensors', { emb_params: { dtype: 'F32', shape: [2, 768], data_offsets: [0, 6144] } }, 6144)))
      .toMatchObject({ kind: 'embedding', trigger: 'my-emb', vectors: 2, width: 768, madeFor: 'sd1' });
    expect(await describeAddonFile(write('e2.safetensors', { 'string_to_param.*': { dtype: 'F16', shape: [3, 1024], data_offsets: [0, 6144] } }, 6144)))
      .toMatchObject({ kind: 'embedding', vectors: 3, width: 1024, madeFor: 'sd2' });
    expect(await describeAddonFile(write('v.safetensors', { 'decoder.conv_in.weight': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4)))
      .toMatchObject({ kind: 'vae', layout: 'ldm', tensors: 1 });
    await expect(describeAddonFile(write('xl.safetensors', { clip_l: { dtype: 'F32', shape: [1, 768], data_offsets: [0, 3072] } }, 3072))).rejects.toThrow(/SDXL/);
  });
});
