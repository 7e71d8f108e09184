// Width/height rules of the contract (LIMITS in preload/contract/validators.ts): multiples of 8 between
// minSide and maxSide, at most maxPixels in total.
import { LIMITS } from '../../../preload/contract';

export function snapSide(value: number): number {
  const rounded = Math.round(value / 8) * 8;
  return Math.min(LIMITS.maxSide, Math.max(LIMITS.minSide, rounded));
}

export function sizeError(width: number, height: number): string | null {
  for (const [name, v] of [['Width', width], ['Height', height]] as const) {
    if (!Number.isInteger(v) || v % 8 !== 0) return `${name} must be a multiple of 8.`;
    if (v < LIMITS.minSide || v > LIMITS.maxSide) return `${name} must be between ${LIMITS.minSide} and ${LIMITS.maxSide}.`;
  }
  if (width * height > LIMITS.maxPixels) return `${width}×${height} is too large (at most ${LIMITS.maxPixels.toLocaleString()} pixels).`;
  return null;
}
