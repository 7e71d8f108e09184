import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../../main/engine/weights/checkpoint';
import { withFloat32Weights } from '../../../../main/engine/weights/float32-copy';
import { readTensorF32 } from '../../../../main/engine/weights/safetensors';
import { tinyRefDir } from '../../../helpers/paths';

describe('withFloat32Weights', () => {
  it('redirects every F16 tensor to an exact float32 copy, made once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'f32-'));
    const index = await openCheckpoint(join(tinyRefDir, 'model.safetensors'));
    const wide = await withFloat32Weights(index, dir);
    const names = [...index.tensors.keys()];
    expect([...wide.tensors.keys()]).toEqual(names);
    for (const name of names.filter((_, i) => i % 37 === 0)) {
      const [a, b] = [index.tensors.get(name)!, wide.tensors.get(name)!];
      expect(b.dtype).toBe('F32');
      expect(b.offset % 4096).toBe(0);
      expect(await readTensorF32(b)).toEqual(await readTensorF32(a));
    }
    const file = wide.tensors.get(names[0]!)!.file;
    const before = statSync(file).mtimeMs;
    await withFloat32Weights(index, dir);
    expect(statSync(file).mtimeMs).toBe(before); // reused, not rewritten
  });

  it('lets two opens of the same model write the copy at once: both succeed, one complete file, no temp left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'f32-'));
    const index = await openCheckpoint(join(tinyRefDir, 'model.safetensors'));
    // Each writer had the same temp name before, so the second rename failed with ENOENT.
    const [a, b] = await Promise.all([withFloat32Weights(index, dir), withFloat32Weights(index, dir)]);
    const name = [...index.tensors.keys()].find((n) => index.tensors.get(n)!.dtype !== 'F32')!;
    expect(a.tensors.get(name)!.file).toBe(b.tensors.get(name)!.file);
    expect(await readTensorF32(a.tensors.get(name)!)).toEqual(await readTensorF32(index.tensors.get(name)!));
    expect(readdirSync(dir)).toEqual([basename(a.tensors.get(name)!.file)]);
  });
});
