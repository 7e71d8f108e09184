// Hostile and malformed LoRA files are refused with a message, never loaded: pickles (with a canary that
// would run a command if anything unpickled it), broken safetensors headers, out-of-bounds offsets, and
// files with no adapter tensors. Layout detection from the key names.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { readLoraFile } from '../../../../main/engine/weights/lora/lora-file';
import { canaryPickle, rawSafetensors } from '../../../fixtures/weights-files';

const dir = mkdtempSync(join(tmpdir(), 'lora-file-'));
const file = (name: string, bytes: Buffer): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const f32 = (n: number): { dtype: string; shape: number[] } => ({ dtype: 'F32', shape: [n] });

async function refusal(path: string): Promise<EngineError> {
  try { await readLoraFile(path); } catch (err) { expect(err).toBeInstanceOf(EngineError); return err as EngineError; }
  throw new Error('expected a refusal');
}

describe('readLoraFile on hostile files', () => {
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
