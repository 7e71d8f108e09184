import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { assertFreeSpace, estimateImageBytes, freeBytes } from '../../../main/images/free-space';

describe('free-space preflight', () => {
  it('estimates at least the raw RGB size plus room for metadata', () => {
    expect(estimateImageBytes(512, 512)).toBeGreaterThan(512 * 512 * 3 + 1024 * 1024);
    expect(estimateImageBytes(1024, 768)).toBeGreaterThan(estimateImageBytes(512, 512));
  });

  it('passes where there is room and refuses what no disk has', async () => {
    const free = await freeBytes(tmpdir());
    expect(free).toBeGreaterThan(0);
    await expect(assertFreeSpace(tmpdir(), 1)).resolves.toBeUndefined();
    await expect(assertFreeSpace(tmpdir(), free + 1)).rejects.toMatchObject({ code: 'disk-full' });
  });
});
