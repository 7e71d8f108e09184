import { describe, expect, it } from 'vitest';
import { formatStudioMetadata, parseStudioMetadata, type StudioMetadata } from '../../../main/images/studio-metadata';

const metadata: StudioMetadata = {
  format: 1, appVersion: '0.1.0', sampler: 'dpmpp_2m_karras', mode: 'dato', schedule: 'F,K,S,S',
  accel: { pruneRatio: [0.4, 0.5], gamma: 0.1, alpha: 0.1, flip: 0.5 }, provider: 'webgpu',
  timings: { load: 1.5, textEncode: 0.02, unetLoop: 3.25, decode: 0.4, total: 5.2, steps: [0.9, 0, 0.1, 0.1] },
  unetSeconds: 3.25, speedup: 3.1,
};

describe('studio metadata chunk', () => {
  it('round-trips', () => {
    expect(parseStudioMetadata(formatStudioMetadata(metadata))).toEqual(metadata);
  });

  it('returns null for other apps\' JSON, future formats and broken text', () => {
    expect(parseStudioMetadata('not json')).toBeNull();
    expect(parseStudioMetadata('[1,2]')).toBeNull();
    expect(parseStudioMetadata(JSON.stringify({ ...metadata, format: 2 }))).toBeNull();
    expect(parseStudioMetadata(JSON.stringify({ ...metadata, accel: 'fast' }))).toBeNull();
    expect(parseStudioMetadata(JSON.stringify({ ...metadata, unetSeconds: '3' }))).toBeNull();
  });
});
