// Form defaults per model: the demo model was trained at 128 px with DDIM 30 / CFG 5 (as the CLI's
// defaults); real SD 1.x checkpoints at their native size (512) with 30 steps / CFG 7.5. Size options keep
// the native pixel count for each common aspect ratio, in multiples of 8.
import type { SizeOption } from '../../preload/contract';

const RATIOS: readonly [string, number, number][] = [
  ['1:1', 1, 1], ['4:3', 4, 3], ['3:4', 3, 4], ['3:2', 3, 2], ['2:3', 2, 3], ['16:9', 16, 9], ['9:16', 9, 16],
];

const to8 = (x: number): number => Math.max(64, Math.round(x / 8) * 8);

export function sizeOptions(nativeSize: number): SizeOption[] {
  const area = nativeSize * nativeSize;
  return RATIOS.map(([label, w, h]) => {
    const width = to8(Math.sqrt((area * w) / h));
    const height = to8(Math.sqrt((area * h) / w));
    return { label: `${label} · ${width}×${height}`, width, height };
  });
}

export function samplingDefaults(isDemo: boolean, nativeSize: number): { steps: number; cfg: number; size: number } {
  return isDemo ? { steps: 30, cfg: 5, size: 128 } : { steps: 30, cfg: 7.5, size: nativeSize };
}
