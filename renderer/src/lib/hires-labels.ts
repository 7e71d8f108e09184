// Hires fix (issue 9) in words, the same wherever a job or a stored generation states it: the queue, the image
// area and the gallery's parameter list.
import { HIRES_UPSCALER_LABELS, hiresTargetSize, type HiresParamsDto } from '../../../preload/contract';

/** `×2 → 256×256, 2 steps, strength 0.7, Latent` (0 steps: as many as the first pass's `steps`). */
export function describeHires(p: { width: number; height: number; steps: number; hires: HiresParamsDto }): string {
  const target = hiresTargetSize(p.width, p.height, p.hires.scale);
  return `×${p.hires.scale} → ${target.width}×${target.height}, ${p.hires.steps || p.steps} steps, strength ${p.hires.strength}, `
    + HIRES_UPSCALER_LABELS[p.hires.upscaler];
}
