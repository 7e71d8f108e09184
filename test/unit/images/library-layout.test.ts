import { describe, expect, it } from 'vitest';
import { basename, dirname, join } from 'node:path';
import {
  DAY_DIR_PATTERN, IMAGE_NAME_PATTERN, THUMBNAIL_NAME_PATTERN, dayDirName, newImagePaths, thumbnailPathFor,
} from '../../../main/images/library-layout';
import { TEMP_FILE_PATTERN, uniqueTempPath } from '../../../main/common/atomic-file';

describe('library layout', () => {
  it('names files in a local-date folder with id, seed and random bits, and matches its own patterns', () => {
    const createdAt = new Date(2025, 0, 31, 14, 25, 1).getTime();
    const a = newImagePaths('/out', 1234, 42, createdAt);
    const b = newImagePaths('/out', 1234, 42, createdAt);
    expect(a.dir).toBe(join('/out', '2025-01-31'));
    expect(basename(a.image)).toMatch(/^20250131-142501-1234-42-[0-9a-f]{8}\.png$/);
    expect(a.image).not.toBe(b.image);
    expect(IMAGE_NAME_PATTERN.test(basename(a.image))).toBe(true);
    expect(THUMBNAIL_NAME_PATTERN.test(basename(a.thumbnail))).toBe(true);
    expect(DAY_DIR_PATTERN.test(dayDirName(createdAt))).toBe(true);
    expect(thumbnailPathFor('/out', a.image)).toBe(a.thumbnail);
    expect(dirname(a.thumbnail)).toBe(a.thumbnailDir);
  });

  it('never matches ordinary user files', () => {
    for (const name of ['IMG_0001.png', 'holiday.png', '20250131-142501.png', '00001-1234.png', 'a.webp']) {
      expect(IMAGE_NAME_PATTERN.test(name) || THUMBNAIL_NAME_PATTERN.test(name) || TEMP_FILE_PATTERN.test(name), name).toBe(false);
    }
    expect(TEMP_FILE_PATTERN.test(basename(uniqueTempPath('/out')))).toBe(true);
  });
});
