// Hostile model files, generated here (nothing big is committed), each checked the way the app checks an
// import: in the model-checker process under INSPECTION_LIMITS. Every file must be answered (refused, or
// accepted with a notice) within 5 s with the checker's peak resident memory under 1 GB, and a check the
// checker does not survive must leave it usable for the next one, with a message that says "refused".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine, INSPECTION_LIMITS, spawnProcess, type EngineSpawner, type InspectionLimits } from '../../../main/engine/engine-host';
import type { ModelInfo } from '../../../main/engine/engine-protocol';
import { EngineError } from '../../../main/engine/errors';
import { MICRO_CONFIG, rawSafetensors } from '../../fixtures/weights-files';
import { writeRandomCheckpoint } from '../../../main/engine/weights/random-checkpoint';
import { clipBpePath, demoModelDir } from '../../helpers/paths';
import { buildEngineWorker } from '../services/studio-fixture';

const TIME_LIMIT_S = 5;
const RSS_LIMIT_MB = 1024;

let dir: string;
const engines: Engine[] = [];
let checkerPid: number | undefined;

function checker(limits: InspectionLimits = INSPECTION_LIMITS): Engine {
  const spawn: EngineSpawner = (script, opts) => {
    const proc = spawnProcess(script, opts);
    checkerPid = proc.pid;
    return proc;
  };
  const engine = new Engine({ spawn, workerScript: buildEngineWorker(), clipVocab: clipBpePath, inspection: limits });
  engines.push(engine);
  return engine;
}

/** Peak resident set of the checker process since the last reset (Linux /proc; VmHWM). */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // the process is gone (killed): the last sample stands
  }
}

interface Outcome<T = ModelInfo> { info?: T; error?: EngineError; seconds: number; peakMb: number }

/**
 * Check `path` (as a model, or with `ask` as something else, e.g. an add-on), sampling the checker's peak RSS
 * every 10 ms (the peak is reset first: clear_refs 5).
 */
async function check<T = ModelInfo>(engine: Engine, path: string, ask: (p: string) => Promise<T> = (p) => engine.inspect(p) as Promise<T>): Promise<Outcome<T>> {
  await engine.inspect(join(demoModelDir, 'model.safetensors')).catch(() => undefined); // started and warm
  const pid = checkerPid!;
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { /* older kernels: the peak then covers the whole life */ }
  let peakMb = peakRssMb(pid) ?? 0;
  const sampler = setInterval(() => { peakMb = Math.max(peakMb, peakRssMb(pid) ?? 0); }, 10);
  const started = performance.now();
  try {
    const info = await ask(path);
    return { info, seconds: (performance.now() - started) / 1000, peakMb: Math.max(peakMb, peakRssMb(pid) ?? 0) };
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return { error: err, seconds: (performance.now() - started) / 1000, peakMb: Math.max(peakMb, peakRssMb(pid) ?? 0) };
  } finally {
    clearInterval(sampler);
  }
}

/** A folder holding a link to the demo model's weights (so its own config.json is not beside it) and `config.json`. */
function modelBeside(name: string, config?: (path: string) => void): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  symlinkSync(join(demoModelDir, 'model.safetensors'), join(folder, 'model.safetensors'));
  config?.(join(folder, 'config.json'));
  return join(folder, 'model.safetensors');
}

/** The demo file's own __metadata__ image_size: what an ignored config.json leaves in force. */
const DEMO_FILE_SIZE = 128;

const demoConfig = (): Record<string, unknown> => JSON.parse(readFileSync(join(demoModelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
const file = (name: string, bytes: Buffer | string): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const tensor = (shape: string): string => `{"t":{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}}`;

interface Case {
  name: string;
  make(): string | Promise<string>;
  /** An error code and a pattern for its message, or the notice an accepted model must carry. */
  expect: { code: string; message: RegExp } | { notice: RegExp | null; nativeSize: number };
}

const CASES: Case[] = [
  { name: 'a shape of 1,000,000 dimensions (2 MB)', make: () => file('dims.safetensors', rawSafetensors(tensor(`[${Array(1_000_000).fill(1).join(',')}]`), 4)),
    expect: { code: 'model-corrupt', message: /an array longer than 8 elements/ } },
  { name: 'a 99 MB header of {"k":{},…}', make: () => file('keys.safetensors', rawSafetensors(`{${Array.from({ length: 6_000_000 }, (_, i) => `"${i}":{}`).join(',')}}`)),
    expect: { code: 'model-corrupt', message: /an object with more than 100001 keys/ } },
  { name: 'a 99 MB header of [{},{},…]', make: () => file('objects.safetensors', rawSafetensors(`{"a":[${'{},'.repeat(33_000_000)}{}]}`)),
    expect: { code: 'model-corrupt', message: /an array longer than 8 elements/ } },
  { name: '1,000,000 levels of nesting', make: () => file('deep.safetensors', rawSafetensors(`{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`)),
    expect: { code: 'model-corrupt', message: /nesting deeper than 3 levels/ } },
  { name: 'a 60 MB string of \\u escapes', make: () => file('escapes.safetensors', rawSafetensors(`{"__metadata__":{"k":"${'\\u0041'.repeat(10_000_000)}"}}`)),
    expect: { code: 'model-unsupported', message: /empty file/ } },
  { name: 'a 50 MB tensor name', make: () => file('name.safetensors', rawSafetensors(`{"${'n'.repeat(50_000_000)}":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4)),
    expect: { code: 'model-corrupt', message: /"n{120}… \(50000000 characters\)" has 4 bytes/ } },
  { name: 'a FIFO named .safetensors', make: () => { const p = join(dir, 'fifo.safetensors'); execFileSync('mkfifo', [p]); return p; },
    expect: { code: 'model-corrupt', message: /is not a regular file/ } },
  { name: 'a link to /dev/zero named .safetensors', make: () => { const p = join(dir, 'zero.safetensors'); symlinkSync('/dev/zero', p); return p; },
    expect: { code: 'model-corrupt', message: /is not a regular file/ } },
  { name: 'config.json → /dev/zero beside a checkpoint', make: () => modelBeside('zero-config', (c) => symlinkSync('/dev/zero', c)),
    expect: { notice: /Ignored the config\.json next to the model: it points outside the model folder \(to "\/dev\/zero"\)/, nativeSize: DEMO_FILE_SIZE } },
  { name: 'config.json as a FIFO beside a checkpoint', make: () => modelBeside('fifo-config', (c) => execFileSync('mkfifo', [c])),
    expect: { notice: /config\.json next to the model: it is not a regular file/, nativeSize: DEMO_FILE_SIZE } },
  { name: 'config.json → /etc/passwd beside a checkpoint', make: () => modelBeside('passwd-config', (c) => symlinkSync('/etc/passwd', c)),
    expect: { notice: /points outside the model folder \(to "\/etc\/passwd"\)/, nativeSize: DEMO_FILE_SIZE } },
  { name: 'a 2 MB config.json beside a checkpoint', make: () => modelBeside('big-config', (c) => writeFileSync(c, `{"unet":{"num_heads":4},"pad":"${'x'.repeat(2 ** 21)}"}`)),
    expect: { notice: /is \d+ bytes \(at most 1048576 are read\)/, nativeSize: DEMO_FILE_SIZE } },
  { name: 'a transformers config.json beside a checkpoint', make: () => modelBeside('hf-config', (c) => writeFileSync(c, JSON.stringify({
    architectures: ['CLIPTextModel'], model_type: 'clip_text_model', hidden_size: 768, num_attention_heads: 12, image_size: 224 }))),
    expect: { notice: /not an ldm-style model description/, nativeSize: DEMO_FILE_SIZE } },
  { name: 'an ldm config.json with negative UNet heads', make: () => modelBeside('negative-heads', (c) => writeFileSync(c, JSON.stringify({ ...demoConfig(), unet: { ...(demoConfig().unet as object), num_heads: -4 } }))),
    expect: { code: 'model-unsupported', message: /config\.json sets unet\.num_heads to -4; it must be a whole number from 1 to 1024/ } },
  { name: 'an ldm config.json with heads that do not divide the channels', make: () => modelBeside('odd-heads', (c) => writeFileSync(c, JSON.stringify({ ...demoConfig(), unet: { ...(demoConfig().unet as object), num_heads: 7 } }))),
    expect: { code: 'model-unsupported', message: /UNet 7 attention heads, which do not divide its 64 channels/ } },
  { name: 'an ldm config.json with an impossible image size', make: () => modelBeside('huge-size', (c) => writeFileSync(c, JSON.stringify({ ...demoConfig(), image_size: 1e300 }))),
    expect: { code: 'model-unsupported', message: /config\.json sets image_size to 1e\+300; it must be a whole number from 64 to 8192/ } },
  { name: 'an ldm config.json with a zero scale factor', make: () => modelBeside('zero-scale', (c) => writeFileSync(c, JSON.stringify({ ...demoConfig(), scale_factor: 0 }))),
    expect: { code: 'model-unsupported', message: /config\.json sets scale_factor to 0; it must be a number above 0/ } },
  { name: 'the demo model\'s own ldm config.json (control)', make: () => modelBeside('demo-config', (c) => copyFileSync(join(demoModelDir, 'config.json'), c)),
    expect: { notice: null, nativeSize: 128 } },
  { name: 'a diffusers folder whose unet/config.json → /dev/zero', make: async () => {
    const folder = join(dir, 'diffusers-zero');
    await writeRandomCheckpoint(folder, MICRO_CONFIG, { dtype: 'F16', seed: 3, layout: 'diffusers' });
    rmSync(join(folder, 'unet', 'config.json'));
    symlinkSync('/dev/zero', join(folder, 'unet', 'config.json'));
    return folder;
  }, expect: { code: 'model-corrupt', message: /unet\/config\.json points outside the model folder/ } },
  { name: 'a diffusers folder whose tokenizer/merges.txt is a FIFO', make: async () => {
    const folder = join(dir, 'diffusers-tokenizer');
    await writeRandomCheckpoint(folder, MICRO_CONFIG, { dtype: 'F16', seed: 3, layout: 'diffusers' });
    mkdirSync(join(folder, 'tokenizer'));
    writeFileSync(join(folder, 'tokenizer', 'vocab.json'), '{}');
    execFileSync('mkfifo', [join(folder, 'tokenizer', 'merges.txt')]);
    return folder;
  }, expect: { code: 'model-corrupt', message: /tokenizer\/merges\.txt is not a regular file/ } },
  { name: 'a diffusers folder with a negative text encoder head count', make: async () => {
    const folder = join(dir, 'diffusers-heads');
    await writeRandomCheckpoint(folder, MICRO_CONFIG, { dtype: 'F16', seed: 3, layout: 'diffusers' });
    const config = JSON.parse(readFileSync(join(folder, 'text_encoder', 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'text_encoder', 'config.json'), JSON.stringify({ ...config, num_attention_heads: -2 }));
    return folder;
  }, expect: { code: 'model-unsupported', message: /text_encoder\/config\.json sets num_attention_heads to -2/ } },
];

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dato-hostile-')); });
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile model files, each answered within 5 s by a checker under 1 GB', () => {
  let engine: Engine;
  beforeAll(() => { engine = checker(); });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const path = await c.make();
    const outcome = await check(engine, path);
    const what = outcome.error ? `${outcome.error.code}: ${outcome.error.message.slice(0, 300)}` : `accepted, notices ${JSON.stringify(outcome.info!.notices)}`;
    console.log(`${c.name}: ${outcome.seconds.toFixed(2)} s, checker peak RSS ${outcome.peakMb.toFixed(0)} MB — ${what}`);
    expect(outcome.seconds).toBeLessThan(TIME_LIMIT_S);
    expect(outcome.peakMb).toBeGreaterThan(0);
    expect(outcome.peakMb).toBeLessThan(RSS_LIMIT_MB);
    if ('code' in c.expect) {
      expect(outcome.error?.code, what).toBe(c.expect.code);
      expect(outcome.error!.message).toMatch(c.expect.message);
      expect(outcome.error!.message.length).toBeLessThan(1000);
      expect(outcome.error!.message).not.toContain('\n');
    } else {
      expect(outcome.error, what).toBeUndefined();
      expect(outcome.info!.nativeSize).toBe(c.expect.nativeSize);
      if (c.expect.notice === null) expect(outcome.info!.notices).toEqual([]);
      else expect(outcome.info!.notices.join('\n')).toMatch(c.expect.notice);
    }
  });
});

/** Run `make` with the corpus folder set to a subfolder (the same hostile file made again under another path). */
function inFolder<T>(name: string, make: () => T): T {
  const saved = dir;
  dir = join(saved, name);
  mkdirSync(dir, { recursive: true });
  try { return make(); } finally { dir = saved; }
}

// The same files as LoRAs, embeddings or VAEs (the Models screen's add-on import asks inspectAddon), and add-on
// layouts declaring absurd sizes: every one refused in one line, in time and under the memory cap.
const ADDON_CASES: { name: string; make(): string }[] = [
  ...CASES.filter((c) => 'code' in c.expect && !c.name.includes('config') && !c.name.includes('diffusers'))
    .map((c) => ({ name: c.name, make: () => inFolder('addons', () => c.make() as string) })),
  { name: 'a LoRA whose lora_down declares 10¹² rows', make: () => file('lora-rows.safetensors', rawSafetensors(JSON.stringify({
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': { dtype: 'F32', shape: [1e12, 4], data_offsets: [0, 16] },
    'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight': { dtype: 'F32', shape: [4, 1], data_offsets: [16, 32] },
  }), 32)) },
  { name: 'an embedding of 10⁹ vectors', make: () => file('embedding-huge.safetensors', rawSafetensors(JSON.stringify({
    emb_params: { dtype: 'F32', shape: [1e9, 768], data_offsets: [0, 16] },
  }), 16)) },
];

describe('hostile add-on files, each answered within 5 s by a checker under 1 GB', () => {
  let engine: Engine;
  beforeAll(() => { engine = checker(); });

  it.each(ADDON_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outcome = await check(engine, c.make(), (p) => engine.inspectAddon(p));
    const what = outcome.error ? `${outcome.error.code}: ${outcome.error.message.slice(0, 300)}` : `accepted as ${JSON.stringify(outcome.info)}`;
    console.log(`add-on ${c.name}: ${outcome.seconds.toFixed(2)} s, checker peak RSS ${outcome.peakMb.toFixed(0)} MB — ${what}`);
    expect(outcome.seconds).toBeLessThan(TIME_LIMIT_S);
    expect(outcome.peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(outcome.error, what).toBeDefined();
    expect(['model-corrupt', 'model-unsupported', 'model-refused']).toContain(outcome.error!.code);
    expect(outcome.error!.message.length).toBeLessThan(1000);
    expect(outcome.error!.message).not.toContain('\n');
  });
});

describe('a check the checker does not survive', () => {
  it('past the memory cap: refused (not "damaged"), and the next check works', async () => {
    // A valid header carrying 90 MB of metadata needs ~3× that while it is decoded and parsed.
    const path = file('metadata.safetensors', rawSafetensors(`{"__metadata__":{"k":"${'m'.repeat(90_000_000)}"}}`));
    const engine = checker({ timeoutMs: INSPECTION_LIMITS.timeoutMs, memoryMb: 220 });
    await engine.inspect(join(demoModelDir, 'model.safetensors'));
    const err = await engine.inspect(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('model-refused');
    expect((err as EngineError).message).toMatch(/refused "metadata\.safetensors": checking it needed more than 220 MB of memory/);
    expect((err as EngineError).message).not.toMatch(/damaged/);
    expect((await engine.inspect(join(demoModelDir, 'model.safetensors'))).family).toBe('sd1');
  });

  it('the time limit counts the check only, not a provider probe the checker is still running', async () => {
    const engine = checker({ timeoutMs: 1500, memoryMb: INSPECTION_LIMITS.memoryMb });
    const probe = engine.generate({
      modelPath: join(demoModelDir, 'model.safetensors'), provider: 'cpu', prompt: 'a red circle', negativePrompt: '', sampler: 'ddim',
      steps: 120, cfg: 5, eta: 0, width: 128, height: 128, seed: 1, images: 1, accel: { mode: 'baseline' }, previewEvery: 0, threads: 1,
    });
    let probeSettledAt = Infinity;
    const probed = probe.result.then((r) => r.images.length, (e: unknown) => e).finally(() => { probeSettledAt = performance.now(); });
    const started = performance.now();
    const info = await engine.inspect(join(demoModelDir, 'model.safetensors'));
    const checkedAt = performance.now();
    expect(info.family).toBe('sd1');
    expect(await probed).toBe(1);
    expect(probeSettledAt).toBeLessThanOrEqual(checkedAt); // the check ran after the probe, on its own clock
    console.log(`probe ${((probeSettledAt - started) / 1000).toFixed(1)} s (the check's limit is 1.5 s)`);
  });

  it('past the time limit: refused, and the next check works', async () => {
    const engine = checker({ timeoutMs: 1, memoryMb: INSPECTION_LIMITS.memoryMb });
    const err = await engine.inspect(join(demoModelDir, 'model.safetensors')).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('model-refused');
    expect((err as EngineError).message).toMatch(/checking it took longer than 0\.001 s/);
    const fine = checker();
    expect((await fine.inspect(join(demoModelDir, 'model.safetensors'))).family).toBe('sd1');
  });
});
