// Opened models for tests (CPU, fp32), one per file.
import { join } from 'node:path';
import { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import { clipBpePath, demoModelDir, testCacheDir, tinyRefDir } from './paths';

export const openTinyReference = (): Promise<ModelRuntime> =>
  ModelRuntime.open(join(tinyRefDir, 'model.safetensors'), { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });

export const openDemoModel = (): Promise<ModelRuntime> =>
  ModelRuntime.open(join(demoModelDir, 'model.safetensors'), { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });
