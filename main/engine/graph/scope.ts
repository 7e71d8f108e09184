// Weight scopes: block functions ask for their weights by the checkpoint's own key fragments
// (`s.at('in_layers.0').param('weight')`), so names come out of the structure and read like the
// PyTorch module tree (the stable-diffusion.cpp GGMLBlock idea). A missing key is a model error naming it.
import { relative, sep } from 'node:path';
import { EngineError } from '../errors';
import type { TensorEntry, TensorIndex } from '../weights/tensor-index';
import type { DType, Graph, Tensor } from './graph';
import { cast } from './ops/elementwise';

const WEIGHT_DTYPE: Record<TensorEntry['dtype'], DType> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** The checkpoint as seen by graph builders: tensors plus the folder external-data paths are relative to. */
export class WeightSource {
  private readonly prefixes = new Set<string>();

  constructor(readonly index: TensorIndex, readonly root: string) {
    for (const name of index.tensors.keys()) {
      const parts = name.split('.');
      for (let i = 1; i < parts.length; i++) this.prefixes.add(parts.slice(0, i).join('.'));
    }
  }

  entry(key: string): TensorEntry {
    const e = this.index.tensors.get(key);
    if (!e) throw new EngineError('model-incomplete', `The model file is missing the tensor "${key}".`);
    return e;
  }

  hasPrefix(prefix: string): boolean { return this.prefixes.has(prefix); }
  has(key: string): boolean { return this.index.tensors.has(key); }

  /** The external-data location of `e` relative to `root` (ORT refuses absolute paths and `..`). */
  location(e: TensorEntry): string {
    const rel = relative(this.root, e.file);
    if (rel.startsWith('..')) throw new Error(`weight file ${e.file} is outside ${this.root}`);
    return rel.split(sep).join('/');
  }
}

export class Scope {
  constructor(readonly g: Graph, readonly src: WeightSource, readonly prefix: string) {}

  at(path: string | number): Scope {
    return new Scope(this.g, this.src, this.prefix ? `${this.prefix}.${path}` : String(path));
  }

  key(name: string): string { return this.prefix ? `${this.prefix}.${name}` : name; }

  /** True when the checkpoint has a tensor `name` or a sub-module `name.*` under this scope. */
  has(name: string): boolean { return this.src.has(this.key(name)) || this.src.hasPrefix(this.key(name)); }

  shape(name: string): readonly number[] { return this.src.entry(this.key(name)).shape; }

  /** The weight as stored in the checkpoint (F16/BF16/F32), without a cast. */
  raw(name: string): Tensor {
    const key = this.key(name);
    const e = this.src.entry(key);
    return this.g.external(key, {
      location: this.src.location(e), offset: e.offset, length: e.byteLength,
      dtype: WEIGHT_DTYPE[e.dtype], shape: e.shape,
    });
  }

  /** The weight in the graph's compute dtype; the runtime folds the cast once, at session creation. */
  param(name: string): Tensor {
    const w = this.raw(name);
    return w.dtype === this.g.dtype ? w : this.g.cached(`cast:${w.name}`, () => cast(w, this.g.dtype));
  }
}
