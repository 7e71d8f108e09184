// Numeric comparisons for golden tests: every comparison prints its error, so a passing run still shows
// how close it was.
import { join } from 'node:path';
import { readNpy } from '../../main/engine/util/npy';
import { tinyRefDir } from './paths';

export function refArray(name: string, dir = tinyRefDir): { shape: number[]; data: Float32Array } {
  const a = readNpy(join(dir, name));
  return { shape: [...a.shape], data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as BigInt64Array, Number) };
}

export { maxAbsDiff } from '../../main/common/stats';

/** ‖a − b‖₂ / ‖b‖₂ */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

export function report(what: string, values: Record<string, number>): void {
  console.log(`${what}: ${Object.entries(values).map(([k, v]) => `${k} ${v.toExponential(3)}`).join(', ')}`);
}
