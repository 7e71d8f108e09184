// What the numbers were measured on, and per-mode peak memory.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export function machineInfo(): Record<string, unknown> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), memory_gb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`, node: process.version, load_average: os.loadavg(),
  };
}

/**
 * Peak RSS of the current phase. Linux lets a process reset its high-water mark (/proc/self/clear_refs,
 * "5"), so each mode gets its own peak although all modes run in one process; elsewhere the figure is the
 * process's peak so far.
 */
export function resetPeakRss(): void {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux: cumulative peak */ }
}

export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS / 1024;
}
