// The Custom preset's schedule field: F (full UNet), M (medium: every full-resolution block on the cached
// deep middle), S (shallow: outer blocks only), K (skip: reuse the last noise prediction), one letter per UNet evaluation, separators optional. Same grammar as the contract's
// validator (preload/contract/validators.ts accelSchema); the engine stretches it to the step count.

export interface KindCounts {
  readonly full: number;
  readonly medium: number;
  readonly shallow: number;
  readonly skip: number;
}

const LETTERS = /^[FMSKfmsk](\s*,?\s*[FMSKfmsk])*$/;

/** Null when valid, else a message the user can act on. */
export function scheduleError(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'Type a schedule: F = full, M = medium, S = shallow, K = skip (e.g. F,S,M,F,S,S).';
  if (!LETTERS.test(trimmed)) return 'Use only the letters F, M, S and K, optionally separated by commas.';
  if (!/^[Ff]/.test(trimmed)) return 'The first step is always full: start the schedule with F.';
  return null;
}

export function countKinds(text: string): KindCounts {
  const letters = text.toUpperCase().replace(/[^FMSK]/g, '');
  let full = 0;
  let medium = 0;
  let shallow = 0;
  let skip = 0;
  for (const letter of letters) {
    if (letter === 'F') full += 1;
    else if (letter === 'M') medium += 1;
    else if (letter === 'S') shallow += 1;
    else skip += 1;
  }
  return { full, medium, shallow, skip };
}

/** "F,M,S,F" (canonical form of what the user typed). */
export function normaliseSchedule(text: string): string {
  return text.toUpperCase().replace(/[^FMSK]/g, '').split('').join(',');
}
