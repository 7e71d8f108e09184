// Validation errors reach people as one sentence about the field they typed into, never as the contract's
// path ("Invalid request: generation.planCost.steps: …"), from the server and from the form's own checks.
import { describe, expect, it } from 'vitest';
import { fieldProblem, LIMITS, METHODS } from '../../../preload/contract';
import { int } from '../../../preload/contract/schema';
import { toApiError } from '../../../main/services/to-api-error';

const refusal = (method: keyof typeof METHODS, args: unknown) => {
  try {
    METHODS[method].args(args, method);
  } catch (err) {
    return toApiError(err);
  }
  throw new Error(`${method} accepted ${JSON.stringify(args)}`);
};

describe('contract validation errors', () => {
  const plan = { modelId: null, accel: { mode: 'baseline' }, sampler: 'ddim', steps: 30, width: 128, height: 128 };

  it('name the field in the words of the form, with its limits', () => {
    expect(refusal('generation.planCost', { ...plan, steps: 200 })).toEqual({ code: 'invalid-request', field: 'steps', message: `Steps must be between ${LIMITS.minSteps} and ${LIMITS.maxSteps}.` });
    expect(refusal('generation.planCost', { ...plan, steps: null })).toEqual({ code: 'invalid-request', field: 'steps', message: 'Steps must be a number.' });
    expect(refusal('generation.planCost', { ...plan, steps: 2.5 })).toMatchObject({ field: 'steps', message: 'Steps must be a whole number.' });
    expect(refusal('generation.planCost', { ...plan, width: 100 })).toMatchObject({ field: 'width', message: 'Width must be a multiple of 8.' });
  });

  it('never show the contract path or "Invalid request"', () => {
    for (const args of [{ ...plan, steps: -1 }, { ...plan, sampler: 'nope' }, { ...plan, accel: { mode: 'custom', schedule: 'X' } }, { ...plan, width: 2048, height: 2048 }]) {
      const { message } = refusal('generation.planCost', args);
      expect(message).not.toMatch(/Invalid request|generation\.|planCost|\[\d+\]/);
      expect(message).toMatch(/^[A-Z0-9].*\.$/);
    }
  });

  it('are the same words when the form checks a value before asking', () => {
    expect(fieldProblem(int(LIMITS.minSteps, LIMITS.maxSteps), 0, 'steps')).toBe(`Steps must be between ${LIMITS.minSteps} and ${LIMITS.maxSteps}.`);
    expect(fieldProblem(int(LIMITS.minSteps, LIMITS.maxSteps), 30, 'steps')).toBeNull();
  });
});
