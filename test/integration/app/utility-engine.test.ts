// The desktop app's engine, end to end without an Electron binary: the real utilityProcess adapter
// (main/app/utility-engine.ts) and the real engine worker bundle, on a stand-in that behaves as Electron's
// utilityProcess does (string-only env that replaces the environment, parentPort messages, graceful kill).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { utilityProcessSpawner } from '../../../main/app/utility-engine';
import { Engine } from '../../../main/engine/engine-host';
import type { GenerateRequest } from '../../../main/engine/engine-protocol';
import { EngineError } from '../../../main/engine/errors';
import { standInUtilityProcess } from '../../helpers/electron-utility-process';
import { clipBpePath, demoModelDir } from '../../helpers/paths';
import { buildEngineWorker } from '../services/studio-fixture';

const request: GenerateRequest = {
  modelPath: join(demoModelDir, 'model.safetensors'), provider: 'cpu', prompt: 'a red circle on a blue background',
  negativePrompt: '', sampler: 'ddim', steps: 6, cfg: 5, eta: 0, width: 128, height: 128, seed: 7, images: 1,
  accel: { mode: 'baseline' }, threads: 1, previewEvery: 0,
};

const engines: Engine[] = [];
function utilityEngine(): Engine {
  const engine = new Engine({
    spawn: utilityProcessSpawner(standInUtilityProcess, 'DaTo Studio engine (test)'), workerScript: buildEngineWorker(), clipVocab: clipBpePath,
  });
  engines.push(engine);
  return engine;
}
afterAll(async () => { await Promise.all(engines.map((e) => e.close())); });

describe('the stand-in is as strict as Electron', () => {
  it('refuses an env holding anything but strings, as Electron does ("Invalid value for env")', () => {
    expect(() => standInUtilityProcess.fork(buildEngineWorker(), [], { env: { DATO_CLIP_VOCAB: { clipVocab: 'x' } } }))
      .toThrow('Invalid value for env');
    expect(() => standInUtilityProcess.fork(buildEngineWorker(), [], { stdio: ['pipe', 'inherit', 'inherit'] }))
      .toThrow('stdin value other than ignore is not supported.');
  });
});

describe('the engine in a utility process', () => {
  it('starts, inspects the demo model and generates one image with progress', async () => {
    const engine = utilityEngine();
    const info = await engine.inspect(join(demoModelDir, 'model.safetensors'));
    expect(info.family).toBe('sd1');
    expect(info.nativeSize).toBe(128);
    const steps: number[] = [];
    const { result } = engine.generate(request, (s) => steps.push(s.index));
    const out = await result;
    const image = out.images[0]!;
    expect([image.width, image.height]).toEqual([128, 128]);
    expect(image.rgb).toBeInstanceOf(Uint8Array); // structured clone kept the typed array
    expect(image.rgb.length).toBe(128 * 128 * 3);
    const mean = image.rgb.reduce((a, b) => a + b, 0) / image.rgb.length;
    const variance = image.rgb.reduce((a, b) => a + (b - mean) ** 2, 0) / image.rgb.length;
    expect(variance).toBeGreaterThan(100); // a picture, not a flat fill
    expect(steps.length).toBe(6);
    expect(out.provider.provider).toBe('cpu');
  });

  it('a killed engine fails its job as engine-crashed and the next job starts a fresh process', async () => {
    const engine = utilityEngine();
    const job = engine.generate({ ...request, steps: 30 }, () => engine.kill());
    const err = await job.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('engine-crashed');
    expect((err as EngineError).message).toContain('exited with code 0');
    const again = await engine.generate(request).result;
    expect(again.images).toHaveLength(1);
  });
});
