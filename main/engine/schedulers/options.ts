// Checks shared by every sampler constructor: the values come from the user (UI or CLI).

import { EngineError } from '../errors';
import { TRAIN_TIMESTEPS } from './betas';

export function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > TRAIN_TIMESTEPS) {
    throw new EngineError('invalid-parameters', `Steps must be a whole number from 1 to ${TRAIN_TIMESTEPS}, got ${steps}.`);
  }
}

export function checkEta(eta: number): void {
  if (!Number.isFinite(eta) || eta < 0 || eta > 1) {
    throw new EngineError('invalid-parameters', `DDIM eta must be between 0 and 1, got ${eta}.`);
  }
}

/** The first step to run (image-to-image) must leave at least one step of the schedule. */
export function checkStart(start: number, steps: number): void {
  if (!Number.isInteger(start) || start < 0 || start >= steps) {
    throw new RangeError(`The first step to run must be a whole number from 0 to ${steps - 1}, got ${start}`);
  }
}

/** x0 noised to level sqrt(ᾱ) (timestep samplers), float32 like the DDIM update. */
export function noiseToAlphaBar(x0: Float32Array, noise: Float32Array, alphaBar: number): Float32Array {
  checkStepInputs(noise, x0);
  const a = Math.fround(Math.sqrt(alphaBar));
  const b = Math.fround(Math.sqrt(Math.fround(1 - alphaBar)));
  const out = new Float32Array(x0.length);
  for (let k = 0; k < x0.length; k++) out[k] = Math.fround(Math.fround(a * x0[k]!) + Math.fround(b * noise[k]!));
  return out;
}

/** The sample and the noise prediction of one step must have the same size (a pipeline bug otherwise). */
export function checkStepInputs(eps: Float32Array, x: Float32Array): void {
  if (eps.length !== x.length) {
    throw new RangeError(`Scheduler step: the noise prediction has ${eps.length} values, the sample ${x.length}`);
  }
}
