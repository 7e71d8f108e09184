// The engine's own bounds, the same whichever shell asks (CLI, app, web): CPU threads 1..2×cores and prompt
// length (characters, and 75-token chunks: 5,000 emoji fit the character cap but not the chunk cap). Each
// is one clear invalid-parameters message, never an onnxruntime crash, and a job that fails on them ends
// 'failed' with its gallery row settled at once.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { main } from '../../../main/cli/index';
import { Engine, spawnThread } from '../../../main/engine/engine-host';
import type { GenerateRequest } from '../../../main/engine/engine-protocol';
import { EngineError } from '../../../main/engine/errors';
import { maxCpuThreads } from '../../../main/engine/runtime/cpu-threads';
import { LIMITS } from '../../../preload/contract';
import { clipBpePath, demoModelDir } from '../../helpers/paths';
import { buildEngineWorker, openTestStudio, quickParams, settled } from '../services/studio-fixture';

const engine = new Engine({ spawn: spawnThread, workerScript: buildEngineWorker(), clipVocab: clipBpePath });
afterAll(() => engine.close());

const request = (overrides: Partial<GenerateRequest>): GenerateRequest => ({
  modelPath: join(demoModelDir, 'model.safetensors'), provider: 'cpu', prompt: 'a red circle', negativePrompt: '',
  sampler: 'ddim', steps: 2, cfg: 5, eta: 0, width: 128, height: 128, seed: 1, images: 1, accel: { mode: 'baseline' },
  previewEvery: 0, threads: 1, ...overrides,
});

async function failure(r: GenerateRequest): Promise<EngineError> {
  const err = await engine.generate(r).result.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe('engine limits', () => {
  it.each([0, -3, 1.5, maxCpuThreads() + 1, 100_000])('threads %d is refused with one line', async (threads) => {
    const err = await failure(request({ threads }));
    expect(err.code).toBe('invalid-parameters');
    expect(err.message).toBe(`CPU threads must be a whole number from 1 to ${maxCpuThreads()} (twice this machine's ${maxCpuThreads() / 2} cores), got ${threads}.`);
  });

  it('a prompt over the character cap is refused', async () => {
    const err = await failure(request({ negativePrompt: 'x'.repeat(LIMITS.promptChars + 1) }));
    expect(err.code).toBe('invalid-parameters');
    expect(err.message).toBe(`The negative prompt is ${LIMITS.promptChars + 1} characters long; at most ${LIMITS.promptChars} are accepted.`);
  });

  it('5,000 emoji (within the character cap) are refused by the chunk cap, and the engine keeps working', async () => {
    const err = await failure(request({ prompt: '🎨'.repeat(5000) }));
    expect(err.code).toBe('invalid-parameters');
    expect(err.message).toMatch(/^The prompt is too long: it needs \d+ chunks of 75 tokens; at most 24 \(1800 tokens\) are accepted\.$/);
    const ok = await engine.generate(request({ prompt: `${'a red circle, '.repeat(100)}` })).result;
    expect(ok.images).toHaveLength(1);
  });
});

describe('CLI bounds', () => {
  it.each(['100000', '-3', '0'])('--threads %s exits 2 with one line', async (threads) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['generate', '--prompt', 'x', '--threads', threads])).toBe(2);
    expect(error.mock.calls.flat().join('\n')).toMatch(new RegExp(`--threads must be a whole number from 1 to ${maxCpuThreads()} .*got ${threads}`));
    error.mockRestore();
  });
});

describe('a job that fails on a limit', () => {
  it('ends failed with its row settled at once', async () => {
    const t = await openTestStudio();
    try {
      t.studio.db.settings.set('cpuThreads', 1024);
      const [job] = t.studio.generation.enqueue(quickParams());
      const done = await settled(t.studio, job!.id);
      expect(done.state).toBe('failed');
      expect(done.error?.message).toMatch(/^CPU threads must be a whole number/);
      const row = t.studio.db.generations.get(job!.generationId!)!;
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(/^CPU threads must be/);
    } finally {
      await t.close();
    }
  });
});
