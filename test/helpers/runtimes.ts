// Opened models for tests (CPU, fp32), one per file.
import { join } from 'node:path';
import { ModelRuntime } from '../../main/engine/pipeline/model-runtime';
import type { Prediction } from '../../main/engine/schedulers/prediction';
import { clipBpePath, demoModelDir, testCacheDir, tinyRefDir, tinySd2RefDir } from './paths';

export const openTinyReference = (): Promise<ModelRuntime> =>
  ModelRuntime.open(join(tinyRefDir, 'model.safetensors'), { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });

export const openDemoModel = (): Promise<ModelRuntime> =>
  ModelRuntime.open(join(demoModelDir, 'model.safetensors'), { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir });

/** The tiny SD 2.x reference (its sidecar config.json gives the head widths); its data is made both as v and as eps. */
export const openTinySd2 = (prediction: Prediction): Promise<ModelRuntime> =>
  ModelRuntime.open(join(tinySd2RefDir, 'model.safetensors'), { provider: 'cpu' }, { clipVocab: clipBpePath, cacheDir: testCacheDir, prediction });
