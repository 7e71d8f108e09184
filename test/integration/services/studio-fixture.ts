// A real studio for integration tests: real engine (worker threads, the embedded demo model), real SQLite
// library and image folder in a temp dir. The engine worker is rebuilt once per test file so the tests
// never run a stale bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, spawnThread, type EngineSpawner } from '../../../main/engine/engine-host';
import { openStudio, type Studio } from '../../../main/services/studio';
import type { GenerateParams, JobDto } from '../../../preload/contract';
import { repoRoot } from '../../helpers/paths';

let built = false;

export function buildEngineWorker(): string {
  if (!built) {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), 'engine-worker'], { cwd: repoRoot, stdio: 'inherit' });
    built = true;
  }
  return join(repoRoot, 'dist', 'engine-worker.js');
}

export interface TestStudio {
  studio: Studio;
  dir: string;
  engine: Engine;
  close(): Promise<void>;
}

export async function openTestStudio(options: { maxJobs?: number; spawn?: EngineSpawner; dir?: string; hardCancelMs?: number } = {}): Promise<TestStudio> {
  const workerScript = buildEngineWorker();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dato-studio-test-'));
  const engine = new Engine({ spawn: options.spawn ?? spawnThread, workerScript });
  const inspector = new Engine({ spawn: spawnThread, workerScript });
  const studio = await openStudio({
    dataDir: dir, shell: 'web', engine, inspector, ...(options.maxJobs ? { maxJobs: options.maxJobs } : {}),
    ...(options.hardCancelMs ? { hardCancelMs: options.hardCancelMs } : {}),
  });
  return {
    studio, dir, engine,
    close: async () => {
      await studio.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Small and quick on the demo model: 128 px, 8 DDIM steps (well under a second of UNet time). */
export function quickParams(overrides: Partial<GenerateParams> = {}): GenerateParams {
  return {
    modelId: null, prompt: 'a red circle on a blue background', negativePrompt: '', accel: { mode: 'baseline' },
    sampler: 'ddim', steps: 8, cfg: 5, width: 128, height: 128, seed: { mode: 'fixed', value: 42 }, batchCount: 1, ...overrides,
  };
}

/** Resolves with the job once it reaches a terminal state. */
export function settled(studio: Studio, jobId: string): Promise<JobDto> {
  return new Promise((resolve) => {
    const check = (job: JobDto | undefined): boolean => {
      if (job && ['done', 'failed', 'cancelled', 'interrupted'].includes(job.state)) { resolve(job); return true; }
      return false;
    };
    if (check(studio.generation.queue.get(jobId))) return;
    const off = studio.events.connect((event, payload) => {
      const e = payload as { type?: string; job?: JobDto };
      if (event === 'onJobEvent' && e.type === 'job' && e.job?.id === jobId && check(e.job)) off();
    });
  });
}
