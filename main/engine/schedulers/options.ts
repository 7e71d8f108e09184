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

/** The sample and the noise prediction of one step must have the same size (a pipeline bug otherwise). */
export function checkStepInputs(eps: Float32Array, x: Float32Array): void {
  if (eps.length !== x.length) {
    throw new RangeError(`Scheduler step: the noise prediction has ${eps.length} values, the sample ${x.length}`);
  }
}
