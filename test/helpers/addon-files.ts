// Small valid add-on files for the demo model (../shared/models/demo-shapes-sd1: UNet 64 channels, text width
// 128), for the app's tests: a kohya LoRA with random factors (one UNet 1×1 conv, one text-encoder linear and
// one module that matches nothing, to be reported), a textual-inversion embedding, and a standalone VAE copied
// from the demo model's own (LDM keys without the `first_stage_model.` prefix).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRng } from '../../main/engine/pipeline/rng';

interface Tensor { name: string; shape: number[]; data: Float32Array | Uint8Array; dtype?: 'F32' | 'F16' }

/** A safetensors file: 8-byte header length, JSON header (with __metadata__), then the data. */
export function writeRawSafetensors(path: string, tensors: readonly Tensor[], metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const chunks: Buffer[] = [];
  for (const t of tensors) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[t.name] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, ...chunks]));
}

const random = (seed: number, shape: number[], scale: number): Float32Array =>
  Float32Array.from(createRng(seed).randn(shape.reduce((a, b) => a * b, 1)), (v) => v * scale);

/** A kohya LoRA (rank 4) for the demo model; `seed` makes different files. */
export function writeDemoLora(path: string, seed = 1, scale = 0.6, baseModel = 'sd_v1'): void {
  const unet = 'lora_unet_down_blocks_0_attentions_0_proj_in';
  const te = 'lora_te_text_model_encoder_layers_0_self_attn_q_proj';
  const stray = 'lora_unet_not_a_block_anywhere';
  writeRawSafetensors(path, [
    { name: `${unet}.lora_down.weight`, shape: [4, 64, 1, 1], data: random(seed, [4, 64, 1, 1], scale) },
    { name: `${unet}.lora_up.weight`, shape: [64, 4, 1, 1], data: random(seed + 1, [64, 4, 1, 1], scale) },
    { name: `${unet}.alpha`, shape: [], data: Float32Array.of(4) },
    { name: `${te}.lora_down.weight`, shape: [4, 128], data: random(seed + 2, [4, 128], scale) },
    { name: `${te}.lora_up.weight`, shape: [128, 4], data: random(seed + 3, [128, 4], scale) },
    { name: `${te}.alpha`, shape: [], data: Float32Array.of(4) },
    { name: `${stray}.lora_down.weight`, shape: [4, 8], data: random(seed + 4, [4, 8], scale) },
    { name: `${stray}.lora_up.weight`, shape: [8, 4], data: random(seed + 5, [8, 4], scale) },
  ], {
    ss_base_model_version: baseModel,
    ss_tag_frequency: JSON.stringify({ '10_shapes': { 'glossy shapes': 12, 'red circle': 7, 'blue square': 3 } }),
  });
}

/** A textual-inversion embedding (`emb_params`, 2 vectors) for the demo model's 128-wide text encoder. */
export function writeDemoEmbedding(path: string, seed = 7): void {
  writeRawSafetensors(path, [{ name: 'emb_params', shape: [2, 128], data: random(seed, [2, 128], 0.3) }]);
}

/** The demo model's VAE as a standalone file (its tensors as stored, F16, renamed to a VAE file's keys). */
export function writeDemoVae(path: string, demoModel: string): void {
  const bytes = readFileSync(demoModel);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { dtype: 'F32' | 'F16'; shape: number[]; data_offsets: [number, number] }>;
  const tensors: Tensor[] = [];
  for (const [name, t] of Object.entries(header)) {
    if (!name.startsWith('first_stage_model.')) continue;
    const data = bytes.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    tensors.push({ name: name.slice('first_stage_model.'.length), shape: t.shape, dtype: t.dtype, data: new Uint8Array(data) });
  }
  writeRawSafetensors(path, tensors);
}
