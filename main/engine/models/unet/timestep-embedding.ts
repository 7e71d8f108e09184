// Sinusoidal timestep embedding followed by `time_embed` (Linear → SiLU → Linear).
// Ref: ldm/modules/diffusionmodules/util.py timestep_embedding (cos half first, max_period 10000),
//      openaimodel.py UNetModel.time_embed.
import type { Tensor } from '../../graph/graph';
import { cast, constantOf, cos, mul, silu, sin } from '../../graph/ops/elementwise';
import { linear } from '../../graph/ops/nn';
import { concat, unsqueeze } from '../../graph/ops/shape';
import type { Scope } from '../../graph/scope';

/** The frequency table exactly as torch computes it in float32: exp(-ln(10000)·i/half). */
export function timestepFrequencies(half: number): Float32Array {
  const lnMax = Math.fround(-Math.log(10000));
  return Float32Array.from({ length: half }, (_, i) => Math.exp(Math.fround(Math.fround(lnMax * i) / half)));
}

/** t: float32 [B] (fractional timesteps allowed) → emb [B, 4·model_channels] in the graph's dtype. */
export function timestepEmbedding(s: Scope, t: Tensor, modelChannels: number): Tensor {
  const half = modelChannels / 2;
  const freqs = constantOf(t, 'float32', [1, half], timestepFrequencies(half));
  const args = mul(unsqueeze(t, [1]), freqs); // [B, half], fp32 even in fp16 graphs (t reaches 999)
  const tEmb = cast(concat([cos(args), sin(args)], 1), s.g.dtype); // [B, C]
  // time_embed.1 is SiLU
  return linear(s.at('time_embed.2'), silu(linear(s.at('time_embed.0'), tEmb))); // [B, 4C]
}
