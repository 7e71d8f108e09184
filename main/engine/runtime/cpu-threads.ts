// How many CPU threads a job may ask for: 1 to twice the machine's cores. More only adds contention, and an
// absurd count (100000) makes onnxruntime create that many threads and grow without bound.
import os from 'node:os';

export function maxCpuThreads(): number {
  return os.availableParallelism() * 2;
}

/** Why `threads` is not usable ("must be …, got …"), or undefined when it is. */
export function cpuThreadsProblem(threads: number): string | undefined {
  const max = maxCpuThreads();
  if (Number.isInteger(threads) && threads >= 1 && threads <= max) return undefined;
  return `must be a whole number from 1 to ${max} (twice this machine's ${max / 2} cores), got ${threads}`;
}
