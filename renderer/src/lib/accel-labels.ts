// Human names and one-line explanations of the acceleration modes (the contract's AccelMode values).
import type { AccelDto, AccelMode, SamplerName } from '../../../preload/contract';

export const MODE_LABELS: Record<AccelMode, string> = {
  baseline: 'Baseline',
  cached: 'Cached-only',
  dato: 'DaTo',
  'dato-fast': 'DaTo fast',
  prune: 'Pruning only',
  custom: 'Custom',
  calibrated: 'Calibrated',
  adaptive: 'Adaptive',
};

/** What each mode does and what it trades for its speed (fidelity: how close the image stays to Baseline's). */
export const MODE_HINTS: Record<AccelMode, string> = {
  baseline: 'Every step runs the whole UNet. The reference for speed and quality: trades nothing.',
  cached: 'DeepCache-style: the whole UNet every few steps, only its outer blocks in between. Trades a little fidelity '
    + '(fine detail drifts from Baseline) for speed.',
  dato: 'Searched schedule of full, shallow and skipped steps, plus token pruning in self-attention. Trades more fidelity '
    + 'for more speed: the schedule was searched for SD1.5, so on other models small shapes and colours can change.',
  'dato-fast': 'A more aggressive DaTo schedule: fewer full steps, plus token pruning. Trades much fidelity for the most '
    + 'speed: expect visibly different images.',
  prune: 'Every step runs the whole UNet, with token pruning in self-attention. Trades almost no fidelity, and gains little '
    + 'speed except at large sizes.',
  custom: 'Your own schedule (F = full, M = medium, S = shallow, K = skip, one letter per step) and prune ratio: the fewer full steps, '
    + 'the faster and the further from Baseline.',
  calibrated: 'The schedule calibration found for this model, sampler and step count, with forecast reuse. Trades the '
    + 'fidelity its calibration measured (the chosen point says how much) for its speed-up.',
  adaptive: 'Each step decides at run time whether to recompute or forecast, from how much the input moved. Trades a '
    + 'little fidelity for speed; its speed-up is known only after the run.',
};

export const SAMPLER_LABELS: Record<SamplerName, string> = {
  ddim: 'DDIM',
  plms: 'PLMS',
  euler: 'Euler',
  euler_a: 'Euler a',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_2m_karras: 'DPM++ 2M Karras',
};

/** "DaTo · prune 0.40", "Cached-only · every 3", "Custom · F,S,S,K · prune 0.30". */
export function describeAccel(accel: AccelDto): string {
  return [MODE_LABELS[accel.mode], ...accelSettings(accel)].join(' · ');
}

/** What a preset sets besides its mode: "every 3", "prune 0.40" (empty for Baseline). */
export function accelSettings(accel: AccelDto): string[] {
  const parts: string[] = [];
  if (accel.mode === 'custom' && accel.schedule) parts.push(shorten(accel.schedule, 24));
  if (accel.cacheInterval !== undefined) parts.push(`every ${accel.cacheInterval}`);
  if (accel.adaptiveThreshold !== undefined) parts.push(`threshold ${accel.adaptiveThreshold}`);
  if (accel.pruneRatio !== undefined && accel.pruneRatio > 0) parts.push(`prune ${accel.pruneRatio.toFixed(2)}`);
  return parts;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
