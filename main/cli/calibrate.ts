// `dato-studio calibrate`: search the schedules that keep the most of the baseline picture for their cost on
// one model, sampler, step count, guidance and size, and store the Pareto front in the library
// ($DATO_STUDIO_HOME or the default data folder), where `generate --mode calibrated` and the app find it.
// Progress on stderr; Ctrl-C stops after the current image and keeps what was measured, so running the same
// command again resumes.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStudioDb } from '../db';
import type { CalibrationKey } from '../db/calibrations-repo';
import { demoGrammarPrompts, GENERAL_CALIBRATION_PROMPTS } from '../engine/accel/calibration-prompts';
import { calibrateSchedules, type CalibrationState } from '../engine/pipeline/calibrate';
import { ModelRuntime } from '../engine/pipeline/model-runtime';
import { resolveResources } from '../engine/resources';
import { PROVIDER_CHOICES } from '../engine/runtime/provider-choice';
import { selectProviderHere } from '../engine/runtime/providers';
import { SAMPLER_NAMES } from '../engine/schedulers/scheduler';
import { calibrationFingerprint } from '../services/calibrated-schedule';
import { defaultDataDir } from '../services/studio-paths';
import { oneOf, parseFlags, UsageError, type FlagSpec } from './args';
import { samplingDefaults } from './generate';

const CALIBRATE_FLAGS: FlagSpec = {
  model: 'string', sampler: 'string', steps: 'integer', cfg: 'number', width: 'integer', height: 'integer',
  prompts: 'string', minutes: 'number', json: 'boolean', ep: 'string', threads: 'integer',
};

/** Demo-model calibrations use 12 captions of its grammar; others the general set. */
const DEMO_PROMPTS = 12;

export async function runCalibrate(argv: readonly string[]): Promise<number> {
  const f = parseFlags(argv, CALIBRATE_FLAGS);
  const resources = resolveResources();
  const isDemo = f.model === undefined;
  const modelPath = resolve(String(f.model ?? resources.demoModel));
  if (!existsSync(modelPath)) throw new UsageError(`--model ${modelPath} does not exist`);
  const sampler = oneOf('sampler', String(f.sampler ?? 'ddim'), SAMPLER_NAMES);
  const minutes = Number(f.minutes ?? 10);
  if (!(minutes > 0)) throw new UsageError('--minutes must be above 0');
  let prompts: string[];
  if (typeof f.prompts === 'string') {
    if (!existsSync(f.prompts)) throw new UsageError(`--prompts ${f.prompts} does not exist`);
    prompts = readFileSync(f.prompts, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (prompts.length < 2) throw new UsageError('--prompts needs at least 2 prompts, one per line');
  } else {
    prompts = isDemo ? demoGrammarPrompts(DEMO_PROMPTS) : [...GENERAL_CALIBRATION_PROMPTS];
  }
  const selection = await selectProviderHere(oneOf('ep', String(f.ep ?? 'cpu'), PROVIDER_CHOICES));
  const rt = await ModelRuntime.open(modelPath, { provider: selection.provider, ...(f.threads !== undefined ? { threads: Number(f.threads) } : {}) },
    { clipVocab: resources.clipVocab });
  const d = samplingDefaults(isDemo, rt.model.hints.imageSize ?? 512);
  const key: CalibrationKey = {
    fingerprint: await calibrationFingerprint(modelPath), sampler, steps: Number(f.steps ?? d.steps), cfg: Number(f.cfg ?? d.cfg),
    width: Number(f.width ?? d.size), height: Number(f.height ?? d.size),
  };
  const studio = openStudioDb(defaultDataDir());
  let cancelled = false;
  const onSignal = (): void => { cancelled = true; };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const previous = studio.calibrations.get(key);
    const resume = previous && !previous.complete && previous.state ? previous.state as CalibrationState : undefined;
    const before = previous && !previous.complete ? previous.seconds : 0;
    const quiet = f.json === true;
    if (resume && !quiet) process.stderr.write(`calibrate: resuming (${Object.keys(resume.measured).length} schedules already measured)\n`);
    const result = await calibrateSchedules(rt, { ...key, sampler, prompts, minutes }, {
      isCancelled: () => cancelled,
      onProgress: (p) => { if (!quiet) process.stderr.write(`\rcalibrate: ${p.phase} ${(100 * p.fraction).toFixed(0)}%  ${p.message}        `); },
      onState: (state) => studio.calibrations.save(key, { front: [], state, complete: false, seconds: before }),
    }, resume).catch((err: unknown) => {
      if (cancelled) {
        process.stderr.write('\ncalibrate: cancelled; what was measured is kept — run the same command again to resume.\n');
        return undefined;
      }
      throw err;
    });
    if (!result) return 130;
    if (result.front.length === 0) {
      studio.calibrations.save(key, { front: [], state: result.state, complete: false, seconds: before + result.seconds });
      process.stderr.write(`\ncalibrate: ${minutes} min ran out before a schedule was measured; run it again (or with more --minutes) to continue.\n`);
      return 1;
    }
    studio.calibrations.save(key, { front: result.front, state: null, complete: true, seconds: before + result.seconds });
    if (quiet) {
      process.stdout.write(`${JSON.stringify({ ...key, prompts: prompts.length, candidates: result.candidates, seconds: before + result.seconds, front: result.front })}\n`);
    } else {
      process.stderr.write('\n');
      console.log(`calibrated ${sampler} ${key.steps} steps, CFG ${key.cfg}, ${key.width}×${key.height}: ${result.candidates} schedules in ${result.seconds.toFixed(0)} s; front:`);
      for (const p of result.front) console.log(`  ${p.macSpeedup.toFixed(2)}×  ${p.psnr.toFixed(1)} dB  prune ${p.pruneRatio}  ${p.schedule.replace(/,/g, '')}`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    studio.close();
    await rt.dispose();
  }
}
