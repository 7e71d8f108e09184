// The Custom preset's schedule field: one letter per UNet evaluation (F full, M medium: every full-resolution
// block on the cached deep middle, S shallow: outer blocks only,
// K skip: reuse the last noise prediction), separators optional. The letters and the grammar are the
// contract's (preload/contract/vocabulary.ts), which the validator and the engine use too; the engine
// stretches the schedule to the step count.
import {
  countKinds as countStepKinds, formatSchedule, SCHEDULE_PATTERN, stepKindOfLetter, type StepKind,
} from '../../../preload/contract';

/** The step kinds a typed schedule names, in order (separators and unknown characters are ignored). */
export function scheduleKinds(text: string): StepKind[] {
  return [...text].map(stepKindOfLetter).filter((k): k is StepKind => k !== undefined);
}

/** Null when valid, else a message the user can act on. */
export function scheduleError(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'Type a schedule: F = full, M = medium, S = shallow, K = skip (e.g. F,S,M,F,S,S).';
  if (!SCHEDULE_PATTERN.test(trimmed)) return 'Use only the letters F, M, S and K, optionally separated by commas.';
  if (stepKindOfLetter(trimmed[0]!) !== 'full') return 'The first step is always full: start the schedule with F.';
  return null;
}

export function countKinds(text: string): Record<StepKind, number> {
  return countStepKinds(scheduleKinds(text));
}

/** "F,M,S,F" (canonical form of what the user typed). */
export function normaliseSchedule(text: string): string {
  return formatSchedule(scheduleKinds(text));
}
