// The OpenCLIP text transformer as SD 2.x runs it (ldm FrozenOpenCLIPEmbedder, layer "penultimate"):
// token embedding + positional embedding, pre-LN residual blocks with nn.MultiheadAttention (fused
// in_proj rows [q; k; v], q scaled by head_dim^-0.5, causal mask) and an exact-erf GELU MLP, run up to but
// not including the last block, then ln_final. No text_projection, no pooling: every position is context.
// Ref: Stability-AI/stablediffusion ldm/modules/encoders/modules.py (FrozenOpenCLIPEmbedder
// encode_with_transformer / text_transformer_forward), mlfoundations/open_clip v2.7.0 transformer.py
// (ResidualAttentionBlock), model.py (build_attention_mask, GELU = nn.GELU).
import { EngineError } from '../../errors';
import type { Graph, InputDim, Tensor } from '../../graph/graph';
import { add, gelu } from '../../graph/ops/elementwise';
import { multiHeadAttention } from '../../graph/ops/attention';
import { layerNorm, linear } from '../../graph/ops/nn';
import { gather, split, transpose } from '../../graph/ops/shape';
import type { Scope, WeightSource } from '../../graph/scope';
import type { ModelHints } from '../model-hints';
import { causalBias } from './causal-bias';
import { injectVectors } from './text-encoder';
import { OPEN_CLIP_SCOPE } from '../../weights/names/prefixes';

const LN_EPS = 1e-5;
/** open_clip's text towers (ViT-H/14 in SD 2.x: width 1024, 16 heads) use 64-wide heads. */
const HEAD_WIDTH = 64;

export interface OpenClipTextConfig {
  readonly kind: 'open-clip';
  readonly width: number;
  /** Blocks in the file; SD 2.x runs all but the last. */
  readonly layers: number;
  readonly heads: number;
  readonly positions: number;
  readonly vocab: number;
}

export function detectOpenClipTextConfig(src: WeightSource, hints: ModelHints): OpenClipTextConfig {
  const [vocab, width] = src.entry(`${OPEN_CLIP_SCOPE}.token_embedding.weight`).shape as [number, number];
  const positions = src.entry(`${OPEN_CLIP_SCOPE}.positional_embedding`).shape[0]!;
  let layers = 0;
  while (src.hasPrefix(`${OPEN_CLIP_SCOPE}.transformer.resblocks.${layers}`)) layers++;
  const heads = hints.textHeads ?? width / HEAD_WIDTH;
  if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
    throw new EngineError('model-unsupported', `The OpenCLIP text encoder width ${width} has no standard head count; add a config.json with text_encoder.num_attention_heads.`);
  }
  if (layers < 2) throw new EngineError('model-incomplete', `The OpenCLIP text encoder has ${layers} block(s); SD 2.x needs at least 2 (it runs all but the last).`);
  return { kind: 'open-clip', width, layers, heads, positions, vocab };
}

/** nn.MultiheadAttention with its fused input projection: x @ in_proj_weightᵀ + in_proj_bias, split q|k|v. */
function selfAttention(s: Scope, x: Tensor, bias: Tensor, heads: number): Tensor {
  const w = s.param('in_proj_weight'); // [3W, W]
  const wT = s.g.cached(`T:${w.name}`, () => transpose(w, [1, 0]));
  const width = w.shape[1]!;
  x.g.macs += x.shape.reduce((a, b) => a * b, 1) * 3 * width;
  const qkv = add(x.g.node('MatMul', [x, wT], {}, [{ dtype: x.dtype, shape: [...x.shape.slice(0, -1), 3 * width] }])[0]!,
    s.param('in_proj_bias'));
  const [q, k, v] = split(qkv, -1, 3) as [Tensor, Tensor, Tensor];
  return linear(s.at('out_proj'), multiHeadAttention(q, k, v, { numHeads: heads, bias }));
}

function residualBlock(s: Scope, x: Tensor, bias: Tensor, heads: number): Tensor {
  x = add(x, selfAttention(s.at('attn'), layerNorm(s.at('ln_1'), x, LN_EPS), bias, heads));
  const m = linear(s.at('mlp.c_proj'), gelu(linear(s.at('mlp.c_fc'), layerNorm(s.at('ln_2'), x, LN_EPS))));
  return add(x, m);
}

/**
 * input_ids int64 [B, 77] → context [B, 77, width]: blocks 0 .. layers-1-skip run (skip 1 = SD 2.x's
 * "penultimate"), then ln_final.
 */
export function buildOpenClipTextEncoder(g: Graph, root: Scope, config: OpenClipTextConfig, batch: InputDim, skip = 1, inject = false): void {
  const s = root.at(OPEN_CLIP_SCOPE);
  const ids = g.input('input_ids', 'int64', [batch, config.positions]);
  let tokens = gather(s.param('token_embedding.weight'), ids, 0); // [B, 77, W]
  if (inject) tokens = injectVectors(g, tokens, batch, config.positions);
  let x = add(tokens, s.param('positional_embedding'));
  const bias = causalBias(x, config.positions);
  const run = config.layers - skip;
  for (let i = 0; i < run; i++) {
    x = g.within(`resblocks.${i}`, () => residualBlock(s.at(`transformer.resblocks.${i}`), x, bias, config.heads));
  }
  g.output(layerNorm(s.at('ln_final'), x, LN_EPS), 'last_hidden_state');
}
