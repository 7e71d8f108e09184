// The command line as a user runs it (`node bin/dato-studio.js`, the built dist/cli.js): help and version,
// output files and folders, the same defaults in plan and generate, errors that name the flag, a quiet
// terminal, and a process that exits as soon as its work is done.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../../package.json';
import { readImageParameters } from '../../../main/images/external-image';
import { repoRoot } from '../../helpers/paths';
import { rawSafetensors } from '../../fixtures/weights-files';

const bin = join(repoRoot, 'bin', 'dato-studio.js');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dato-cli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface TimedRun { code: number | null; stdout: string; stderr: string; wallMs: number; afterOutputMs: number }

/** Run the CLI, timing the whole process and the gap between its last stdout line and its exit. */
function timedCli(args: string[]): Promise<TimedRun> {
  return new Promise((resolveRun) => {
    const start = performance.now();
    let lastOutput = start;
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); lastOutput = performance.now(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => {
      const end = performance.now();
      resolveRun({ code, stdout, stderr, wallMs: end - start, afterOutputMs: end - lastOutput });
    });
  });
}

describe('dato-studio help and version', () => {
  it('--version prints the package version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`dato-studio ${packageJson.version}`);
  });

  it.each([
    ['generate', ['--prompt', '--out', '--ep', '--mode', '--prune-ratio']],
    ['plan', ['--steps', '--mode', '--json']],
    ['info', ['--model', '--json']],
    ['img2img', ['--init', '--strength', '--mask', '--masked-content', '--inpaint-full-res']],
    ['outpaint', ['--init', '--left', '--bottom', '--mask-blur']],
    ['calibrate', ['--model', '--minutes', '--prompts', '--json']],
  ])('%s --help lists its options and exits 0', (command, flags) => {
    const r = cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: dato-studio ${command}`));
    for (const flag of flags) expect(r.stdout).toContain(flag);
  });

  it('an unknown command or option is one line, exit code 2', () => {
    const r = cli(['generate', '--prompt', 'x', '--colour', 'red']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['dato-studio: unknown option --colour (see dato-studio generate --help)']);
  });
});

describe('dato-studio arguments fail before any work', () => {
  it('refuses an --out format it cannot write, in one line', () => {
    const r = cli(['generate', '--prompt', 'x', '--out', join(dir, 'x.gif')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('dato-studio: --out must end in .png, .jpg, .jpeg or .webp, got "' + join(dir, 'x.gif') + '" (see dato-studio generate --help)');
  });

  it('a bad --width is reported before the execution provider is probed', () => {
    // --ep cuda cannot start on a machine without CUDA: the width error must come first either way
    const r = cli(['generate', '--prompt', 'x', '--width', '100', '--ep', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('dato-studio: Width and height must be multiples of 8 from 64 to 2048 (got 100×128).');
    const cuda = cli(['generate', '--prompt', 'x', '--width', '100', '--ep', 'cuda']);
    expect(cuda.stderr).toMatch(/(Width and height must be multiples of 8|--ep cuda: this execution provider does not exist)/);
  });

  it('calibrate with too few steps to accelerate says so in one line (exit 2)', () => {
    const home = join(dir, 'calibrate-home');
    const r = spawnSync(process.execPath, [bin, 'calibrate', '--steps', '4', '--minutes', '1'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DATO_STUDIO_HOME: home } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'dato-studio: 4 steps are too few to calibrate: a calibrated schedule keeps at least 2 full steps and aims at ≥ 2.5× '
      + 'fewer MACs, which needs ≥ 5 steps (sample 4 steps plainly, or calibrate --steps 5 or more).',
    ]);
    expect(r.stdout).toBe('');
  });

  it('a provider this platform cannot have names the flag', () => {
    const r = cli(['generate', '--prompt', 'x', '--ep', process.platform === 'win32' ? 'cuda' : 'dml']);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^dato-studio: --ep dml: this execution provider does not exist for linux-x64; use --ep auto or --ep cpu/);
    }
  });
});

describe('dato-studio info on a checkpoint and on add-on files (checked in the bounded checker process)', () => {
  it('describes the demo checkpoint', () => {
    const r = cli(['info', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ family: 'sd1', prediction: { prediction: 'eps' } });
  });

  it('says what a LoRA, an embedding and a VAE file are', () => {
    const lora = join(dir, 'ink.safetensors');
    writeFileSync(lora, rawSafetensors({
      'lora_unet_mid_block_attentions_0_proj_out.lora_down.weight': { dtype: 'F32', shape: [8, 4], data_offsets: [0, 128] },
      'lora_unet_mid_block_attentions_0_proj_out.lora_up.weight': { dtype: 'F32', shape: [4, 8], data_offsets: [128, 256] },
    }, 256));
    const emb = join(dir, 'my-emb.safetensors');
    writeFileSync(emb, rawSafetensors({ emb_params: { dtype: 'F32', shape: [2, 768], data_offsets: [0, 6144] } }, 6144));
    const vae = join(dir, 'vae.safetensors');
    writeFileSync(vae, rawSafetensors({ 'decoder.conv_in.weight': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4));
    expect(JSON.parse(cli(['info', '--model', lora, '--json']).stdout)).toMatchObject({ kind: 'lora', modules: { unet: 1, text: 0 }, rank: 8 });
    expect(JSON.parse(cli(['info', '--model', emb, '--json']).stdout)).toMatchObject({ kind: 'embedding', trigger: 'my-emb', vectors: 2 });
    const text = cli(['info', '--model', vae]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/VAE \(ldm layout, 1 tensors\)\n  use: dato-studio generate --vae PATH/);
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO named like a LoRA at once instead of waiting for a writer', () => {
    const fifo = join(dir, 'fifo.safetensors');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = spawnSync(process.execPath, [bin, 'info', '--model', fifo], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a regular file/);
  });
});

describe('dato-studio generate and plan on the demo model', () => {
  let run: TimedRun;
  let report: { outputs: string[]; parameters: Record<string, unknown>; seconds: { total: number } };
  const out = () => join(dir, 'missing', 'folder', 'circle.jpg');

  beforeAll(async () => {
    run = await timedCli(['generate', '--prompt', 'a large red circle on a blue background', '--seed', '7', '--ep', 'cpu', '--json', '--out', out()]);
    report = JSON.parse(run.stdout) as typeof report;
  }, 120_000);

  it('exits as soon as its work is done (within a second of printing the result)', () => {
    expect(run.code).toBe(0);
    console.log(`generate: ${(run.wallMs / 1000).toFixed(2)} s wall, ${report.seconds.total.toFixed(2)} s work reported, exit ${run.afterOutputMs.toFixed(0)} ms after the result line`);
    expect(run.afterOutputMs).toBeLessThan(1000);
  });

  it('creates the missing --out folder and writes a JPEG with A1111 parameters naming the model by its display name', async () => {
    expect(report.outputs).toEqual([out()]);
    expect(existsSync(out())).toBe(true);
    const read = await readImageParameters(out());
    expect(read.format).toBe('jpeg');
    expect(read.parameters).toMatchObject({ prompt: 'a large red circle on a blue background', seed: 7, steps: 30, cfg: 5, width: 128, height: 128, modelName: 'Demo: coloured shapes' });
  });

  it('prints nothing on stderr with --ep cpu and --json (no runtime or GPU-driver warnings)', () => {
    expect(run.stderr).toBe('');
  });

  it('plan uses the same defaults as generate for the same model', () => {
    const r = cli(['plan', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { evaluations: number; width: number; height: number };
    expect(report.parameters).toMatchObject({ steps: 30, width: 128, height: 128 });
    expect(plan).toMatchObject({ evaluations: report.parameters.steps, width: report.parameters.width, height: report.parameters.height });
  });

  it('--ep auto keeps the probes of unavailable GPU providers out of the terminal', () => {
    const r = cli(['generate', '--prompt', 'a red circle', '--steps', '2', '--ep', 'auto', '--quiet', '--out', join(dir, 'auto.png')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a forced provider that cannot start names the flag, not a setting of the app', () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    const r = cli(['generate', '--prompt', 'x', '--steps', '1', '--ep', 'cuda', '--out', join(dir, 'cuda.png')]);
    if (r.code === 0) return; // this machine has CUDA
    expect(r.stderr).toMatch(/^dato-studio: --ep cuda: the CUDA execution provider could not start \(.+\)\. Use --ep auto or --ep cpu, or add CUDA support with `npm run install:cuda`/);
    expect(r.stderr).not.toMatch(/Settings|Choose Auto/);
  });
});

describe('npm in this project', () => {
  it('prints no "Unknown project config" warning (the CUDA download is denied in package.json allowScripts)', () => {
    const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown project config/);
  });
});
