// The one view of a checkpoint that the rest of the engine sees: canonical LDM tensor names
// (`model.diffusion_model.*`, `cond_stage_model.transformer.text_model.*`, `first_stage_model.*`)
// mapped to where their bytes live on disk. Graph builders reference these bytes as ONNX external
// data, so a checkpoint is never read into one JS buffer.

export type WeightDType = 'F32' | 'F16' | 'BF16';

export interface TensorEntry {
  /** Canonical LDM key, e.g. `model.diffusion_model.input_blocks.1.0.in_layers.0.weight`. */
  readonly name: string;
  readonly dtype: WeightDType;
  /** Shape in the LDM convention (e.g. 1x1 conv weights are 4-D even when a diffusers file stores them 2-D). */
  readonly shape: readonly number[];
  /** Real (symlink-resolved) absolute path of the file that holds the bytes. */
  readonly file: string;
  /** Absolute byte offset of the tensor's data in `file`. */
  readonly offset: number;
  readonly byteLength: number;
}

export interface TensorIndex {
  readonly source: { readonly kind: 'single-file' | 'diffusers'; readonly path: string };
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  /** Folder with a Hugging Face CLIP tokenizer (vocab.json + merges.txt), when the model ships one. */
  readonly tokenizerDir?: string;
  /** `__metadata__` of the (first) safetensors file. */
  readonly metadata: Readonly<Record<string, string>>;
}
