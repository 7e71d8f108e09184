// A valid NewGeneration for tests, with overrides.
import type { NewGeneration } from '../../../main/db/generation-record';
import type { Completion } from '../../../main/db/generations-repo';
import type { NewImage } from '../../../main/db/images-repo';

let counter = 0;

export function newGeneration(overrides: Partial<NewGeneration> = {}): NewGeneration {
  counter += 1;
  return {
    jobId: `job-${counter}`, batchIndex: 0, modelId: null, prompt: 'a photo of a cat', negativePrompt: 'blurry',
    sampler: 'ddim', steps: 30, cfg: 5, width: 64, height: 64, seed: counter, mode: 'baseline', schedule: null,
    accel: {}, ...overrides,
  };
}

export function fakeImage(tag: string | number): NewImage {
  return { path: `/library/${tag}.png`, thumbPath: `/library/thumbnails/${tag}.webp`, width: 64, height: 64, bytes: 1234, sha256: 'ab'.repeat(32) };
}

export const completion: Completion = {
  provider: 'cpu',
  timings: { load: 0.5, textEncode: 0.1, unetLoop: 2, decode: 0.3, total: 3, steps: [0.1, 0.1] },
  unetSeconds: 2,
  speedup: 1.8,
};
