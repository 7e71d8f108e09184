import { describe, expect, test } from 'vitest';
import { EngineError } from '../../../../main/engine/errors';
import { createScheduler } from '../../../../main/engine/schedulers/index';
import { SAMPLER_NAMES } from '../../../../preload/contract/vocabulary';

describe('createScheduler', () => {
  test('builds every sampler the app offers, under its own name', () => {
    for (const name of SAMPLER_NAMES) {
      const s = createScheduler(name, { steps: 20 });
      expect(s.name).toBe(name);
      expect(s.timesteps.length).toBeGreaterThanOrEqual(20);
    }
  });

  test('passes eta to DDIM only', () => {
    const x = new Float32Array(16);
    let draws = 0;
    const noise = { randn: (n: number) => { draws++; return new Float32Array(n); } };
    createScheduler('ddim', { steps: 10, eta: 0.3 }).step(x, 0, x, noise);
    expect(draws).toBe(1);
    createScheduler('euler', { steps: 10, eta: 0.3 }).step(x, 0, x, noise);
    createScheduler('ddim', { steps: 10 }).step(x, 0, x, noise);
    expect(draws).toBe(1);
  });

  test('invalid step counts are user errors', () => {
    for (const name of SAMPLER_NAMES) {
      expect(() => createScheduler(name, { steps: 0 })).toThrow(EngineError);
      expect(() => createScheduler(name, { steps: 1001 })).toThrow(/Steps must be a whole number/);
    }
  });
});
