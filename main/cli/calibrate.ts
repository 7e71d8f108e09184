// `dato-studio calibrate`: search the schedules that keep the most of the baseline picture for their cost on
// one model, sampler, step count, guidance and size, and store the Pareto front in the library
// ($DATO_STUDIO_HOME or the default data folder), where `generate --mode calibrated` and the app find it.
// Progress on stderr; Ctrl-C stops after the current image and keeps what was measured, so running the same
// command again resumes.
import { existsSync, readFileSync } from 'node:fs';
import { openStudioDb } from '../db';
import type { CalibrationKey } from '../db/calibrations-repo';
import { Engine, PROVIDER_CHOICES, resolveResources, SAMPLER_NAMES } from '../engine/index';
import { calibrationFingerprint } from '../services/calibrated-schedule';
import { defaultCalibrationPrompts, runStoredCalibration, type StoredCalibrationRun } from '../services/calibration-run';
import { samplingDefaults } from '../services/size-options';
import { defaultDataDir } from '../services/studio-paths';
import { oneOf, parseFlags, UsageError, type FlagSpec } from './args';
import { modelFromFlags } from './generate';

export const CALIBRATE_USAGE = `usage: dato-studio calibrate [options]   search the schedules --mode calibrated chooses from
  --model PATH            a .safetensors file or diffusers folder (default: the embedded demo model)
  --sampler NAME          ${SAMPLER_NAMES.join('|')} (default ddim)
  --steps N  --cfg F      as for generate, with the same defaults
  --width W --height H    as for generate (default: the model's native size)
  --prompts FILE          calibration prompts, one per line, at least 2 (default: 12 captions of the demo
                          model's grammar, or a general set for other models)
  --minutes M             time budget of this run (default 10); running the same command again resumes
  --ep auto|cpu|cuda|dml|webgpu   execution provider (default cpu)
  --threads N             CPU threads (default: every core)
  --json                  one JSON line: the key, the candidates measured, the front and the plain sampler's line`;

const CALIBRATE_FLAGS: FlagSpec = {
  model: 'string', sampler: 'string', steps: 'integer', cfg: 'number', width: 'integer', height: 'integer',
  prompts: 'string', minutes: 'number', json: 'boolean', ep: 'string', threads: 'integer',
};

export async function runCalibrate(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, CALIBRATE_FLAGS);
  const resources = resolveResources();
  const model = modelFromFlags(f);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const provider = oneOf('ep', String(f.ep ?? 'cpu'), PROVIDER_CHOICES);
  const minutes = Number(f.minutes ?? 10);
  if (!(minutes > 0)) throw new UsageError('--minutes must be above 0');
  let prompts: string[];
  if (typeof f.prompts === 'string') {
    if (!existsSync(f.prompts)) throw new UsageError(`--prompts ${f.prompts} does not exist`);
    prompts = readFileSync(f.prompts, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (prompts.length < 2) throw new UsageError('--prompts needs at least 2 prompts, one per line');
  } else {
    prompts = defaultCalibrationPrompts(model.isDemo);
  }
  // The model is opened and sampled in the engine (a worker thread), as for generate.
  const engine = new Engine({ clipVocab: resources.clipVocab, keepSessions: true });
  const studio = openStudioDb(defaultDataDir());
  let job: StoredCalibrationRun | undefined;
  let cancelled = false;
  const onSignal = (): void => {
    cancelled = true;
    if (job) engine.cancel(job.id);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const d = samplingDefaults(model.isDemo, (await engine.inspect(model.path)).nativeSize);
    const key: CalibrationKey = {
      fingerprint: await calibrationFingerprint(model.path), sampler, steps: Number(f.steps ?? d.steps), cfg: Number(f.cfg ?? d.cfg),
      width: Number(f.width ?? d.size), height: Number(f.height ?? d.size),
    };
    const quiet = f.json === true;
    job = runStoredCalibration(engine, studio, key, {
      modelPath: model.path, provider, ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}),
      sampler, steps: key.steps, cfg: key.cfg, width: key.width, height: key.height, prompts, minutes,
    }, (p) => { if (!quiet) process.stderr.write(`\rcalibrate: ${p.phase} ${(100 * p.fraction).toFixed(0)}%  ${p.message}        `); });
    if (job.resumedFrom > 0 && !quiet) process.stderr.write(`calibrate: resuming (${job.resumedFrom} schedules already measured)\n`);
    if (cancelled) engine.cancel(job.id);
    const result = await job.outcome.catch((err: unknown) => {
      if (cancelled) {
        process.stderr.write('\ncalibrate: cancelled; what was measured is kept — run the same command again to resume.\n');
        return undefined;
      }
      throw err;
    });
    if (!result) return 130;
    if (result.kind === 'out-of-time') {
      process.stderr.write(`\ncalibrate: ${minutes} min ran out before a schedule was measured; run it again (or with more --minutes) to continue.\n`);
      return 1;
    }
    if (quiet) {
      process.stdout.write(`${JSON.stringify({ ...key, prompts: prompts.length, candidates: result.candidates, seconds: result.seconds, front: result.front, plain: result.plain })}\n`);
    } else {
      process.stderr.write('\n');
      console.log(`calibrated ${sampler} ${key.steps} steps, CFG ${key.cfg}, ${key.width}×${key.height}: ${result.candidates} schedules in ${result.seconds.toFixed(0)} s; front:`);
      console.log('  MAC speed-up, mean PSNR, cautious fidelity (worse half of the images, colour shifts counted), prune ratio, schedule');
      for (const p of result.front) {
        const what = p.adaptiveThreshold !== undefined ? `adaptive rule, threshold ${p.adaptiveThreshold}` : p.schedule.replace(/,/g, '');
        console.log(`  ${p.macSpeedup.toFixed(2)}×  ${p.psnr.toFixed(1)} dB  ${p.fidelity?.toFixed(1) ?? '–'} dB  prune ${p.pruneRatio}  ${what}`);
      }
      console.log(`plain ${sampler} at fewer steps on the same prompts and seeds (what the front must beat):`);
      for (const p of result.plain) console.log(`  ${p.macSpeedup.toFixed(2)}×  ${p.psnr.toFixed(1)} dB  ${p.fidelity.toFixed(1)} dB  ${p.steps} steps`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    studio.close();
    await engine.close();
  }
}
