// The CLIP text transformer as SD1 uses it (last_hidden_state after final_layer_norm; pre-LN layers,
// causal mask, quick_gelu). Ref: huggingface/transformers models/clip/modeling_clip.py CLIPTextTransformer.
import { EngineError } from '../../errors';
import type { Graph, InputDim, Tensor } from '../../graph/graph';
import { add, quickGelu } from '../../graph/ops/elementwise';
import { multiHeadAttention } from '../../graph/ops/attention';
import { layerNorm, linear } from '../../graph/ops/nn';
import { gather, slice } from '../../graph/ops/shape';
import type { Scope, WeightSource } from '../../graph/scope';
import type { ModelHints } from '../model-hints';
import { TEXT_SCOPE } from '../../weights/names/prefixes';
import { causalBias } from './causal-bias';

const LN_EPS = 1e-5;

export interface TextEncoderConfig {
  readonly kind: 'clip';
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly positions: number;
  readonly vocab: number;
}

export function detectTextEncoderConfig(src: WeightSource, hints: ModelHints): TextEncoderConfig {
  const [vocab, width] = src.entry(`${TEXT_SCOPE}.embeddings.token_embedding.weight`).shape as [number, number];
  const positions = src.entry(`${TEXT_SCOPE}.embeddings.position_embedding.weight`).shape[0]!;
  let layers = 0;
  while (src.hasPrefix(`${TEXT_SCOPE}.encoder.layers.${layers}`)) layers++;
  // CLIP ViT-L/14 (SD1) uses 64-wide heads; other widths need the model's config (see model-hints.ts).
  const heads = hints.textHeads ?? width / 64;
  if (!Number.isInteger(heads) || width % heads !== 0) {
    throw new EngineError('model-unsupported', `The text encoder width ${width} has no standard head count; add a config.json with text_encoder.num_attention_heads.`);
  }
  return { kind: 'clip', width, layers, heads, positions, vocab };
}

function encoderLayer(s: Scope, x: Tensor, bias: Tensor, heads: number): Tensor {
  const h = layerNorm(s.at('layer_norm1'), x, LN_EPS);
  const q = linear(s.at('self_attn.q_proj'), h);
  const k = linear(s.at('self_attn.k_proj'), h);
  const v = linear(s.at('self_attn.v_proj'), h);
  x = add(x, linear(s.at('self_attn.out_proj'), multiHeadAttention(q, k, v, { numHeads: heads, bias })));
  const m = linear(s.at('mlp.fc2'), quickGelu(linear(s.at('mlp.fc1'), layerNorm(s.at('layer_norm2'), x, LN_EPS))));
  return add(x, m);
}

/**
 * Textual-inversion vectors in place of token embeddings (A1111's EmbeddingsWithFixes): inputs `inject`
 * [B, 77, W] and `inject_mask` bool [B, 77, 1]; masked positions take the injected vector, exactly.
 */
export function injectVectors(g: Graph, tokens: Tensor, batch: InputDim, positions: number): Tensor {
  const vectors = g.input('inject', g.dtype, [batch, positions, tokens.shape[2]!]);
  const mask = g.input('inject_mask', 'bool', [batch, positions, 1]);
  return g.node('Where', [mask, vectors, tokens], {}, [{ dtype: tokens.dtype, shape: tokens.shape }])[0]!;
}

/**
 * input_ids int64 [B, 77] → last_hidden_state [B, 77, width]. With clip skip N > 1 only the first
 * layers − (N − 1) layers run and final_layer_norm is applied to their output, as A1111 does
 * (`hidden_states[-N]`, then `final_layer_norm`; modules/sd_hijack_clip.py encode_with_transformers).
 */
export function buildTextEncoder(g: Graph, root: Scope, config: TextEncoderConfig, batch: InputDim, clipSkip = 1, inject = false): void {
  const s = root.at(TEXT_SCOPE);
  const ids = g.input('input_ids', 'int64', [batch, config.positions]);
  let tokens = gather(s.param('embeddings.token_embedding.weight'), ids, 0); // [B, 77, W]
  if (inject) tokens = injectVectors(g, tokens, batch, config.positions);
  const positions = slice(s.param('embeddings.position_embedding.weight'), 0, 0, config.positions); // [77, W]
  let x = add(tokens, positions);
  const bias = causalBias(x, config.positions);
  for (let i = 0; i < config.layers - (clipSkip - 1); i++) {
    x = g.within(`encoder.layers.${i}`, () => encoderLayer(s.at(`encoder.layers.${i}`), x, bias, config.heads));
  }
  g.output(layerNorm(s.at('final_layer_norm'), x, LN_EPS), 'last_hidden_state');
}
