// The sizes that define an SD 1.x-architecture checkpoint: what `writeRandomCheckpoint` builds and what
// the tensor list in sd1-tensors.ts enumerates. Field meanings follow ldm's configs (v1-inference.yaml).

export interface Sd1UnetConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modelChannels: number;
  readonly channelMult: readonly number[];
  readonly numResBlocks: number;
  /** Levels (0-based, 0 = full latent resolution) whose blocks have a SpatialTransformer. */
  readonly attentionLevels: readonly number[];
  readonly numHeads: number;
  readonly contextDim: number;
  readonly transformerDepth: number;
}

export interface Sd1TextConfig {
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly mlp: number;
  readonly vocab: number;
  readonly positions: number;
}

export interface Sd1VaeConfig {
  readonly ch: number;
  readonly chMult: readonly number[];
  readonly numResBlocks: number;
  readonly zChannels: number;
}

export interface Sd1Config {
  readonly unet: Sd1UnetConfig;
  readonly text: Sd1TextConfig;
  readonly vae: Sd1VaeConfig;
}

/** Stable Diffusion 1.5 (runwayml v1-5): 860M UNet, CLIP ViT-L/14 text encoder, f=8 KL VAE. */
export const SD15_CONFIG: Sd1Config = {
  unet: {
    inChannels: 4, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4, 4], numResBlocks: 2,
    attentionLevels: [0, 1, 2], numHeads: 8, contextDim: 768, transformerDepth: 1,
  },
  text: { width: 768, layers: 12, heads: 12, mlp: 3072, vocab: 49408, positions: 77 },
  vae: { ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4 },
};

/** The architecture of shared/reference/tiny-sd1 (SD1.5's block structure at 1/10 the width). */
export const TINY_CONFIG: Sd1Config = {
  unet: {
    inChannels: 4, outChannels: 4, modelChannels: 32, channelMult: [1, 2, 4, 4], numResBlocks: 2,
    attentionLevels: [0, 1, 2], numHeads: 4, contextDim: 32, transformerDepth: 1,
  },
  text: { width: 32, layers: 2, heads: 4, mlp: 64, vocab: 49408, positions: 77 },
  vae: { ch: 32, chMult: [1, 2, 2, 2], numResBlocks: 1, zChannels: 4 },
};
