// `dato-studio img2img` / `outpaint` / `generate --hires-*` end to end through the built engine worker (dist/,
// `npm run build` first), in process: saved PNGs, their metadata, unmasked pixels, one-line errors with exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../main/cli/index';
import { loadSourceImage } from '../../../main/images/source-image';
import { discMask, pngOf, renderShape } from '../../fixtures/shape-images';

const dir = mkdtempSync(join(tmpdir(), 'dato-img2img-cli-'));
afterEach(() => { vi.restoreAllMocks(); });

async function parametersOf(path: string): Promise<string> {
  const meta = await sharp(path).metadata();
  return meta.comments?.find((c) => c.keyword === 'parameters')?.text ?? '';
}

async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { stderr += `${a.join(' ')}\n`; });
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { stdout += `${a.join(' ')}\n`; });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}

describe('dato-studio img2img', () => {
  it('inpaints through --mask: the saved PNG keeps every unmasked pixel and says how it was made', async () => {
    const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue' });
    const init = join(dir, 'circle.png');
    const maskFile = join(dir, 'mask.png');
    writeFileSync(init, await pngOf(image));
    const mask = discMask(128, 64, 64, 44);
    writeFileSync(maskFile, await sharp(Buffer.from(mask), { raw: { width: 128, height: 128, channels: 1 } }).png().toBuffer());
    const out = join(dir, 'inpainted.png');
    const r = await run(['img2img', '--init', init, '--mask', maskFile, '--mask-blur', '0', '--masked-content', 'fill', '--strength', '1',
      '--prompt', 'a large yellow circle on a blue background', '--steps', '12', '--seed', '3', '--mode', 'dato', '--quiet', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const saved = await loadSourceImage(out);
    for (let p = 0; p < mask.length; p++) if (mask[p] === 0) for (let k = 0; k < 3; k++) expect(saved.rgb[p * 3 + k]).toBe(image.rgb[p * 3 + k]);
    const parameters = await parametersOf(out);
    expect(parameters).toContain('Denoising strength: 1, Resize mode: Just resize, Mask blur: 0, Masked content: fill, Inpaint area: Whole picture');
    const studio = JSON.parse((await sharp(out).metadata()).comments!.find((c) => c.keyword === 'dato-studio')!.text) as { img2img: unknown; schedule: string };
    expect(studio.img2img).toEqual({ strength: 1, scheduleSteps: 12, startStep: 0, stepsRun: 12 });
    expect(studio.schedule.split(',')).toHaveLength(12);
  }, 300_000);

  it('bad images and options are one line and exit code 2', async () => {
    const junk = join(dir, 'junk.png');
    writeFileSync(junk, 'no picture here');
    const init = join(dir, 'small.png');
    writeFileSync(init, await pngOf(await renderShape({ shape: 'square', colour: 'white', background: 'black', size: 64 })));
    const big = join(dir, 'big-mask.png');
    writeFileSync(big, await pngOf(await renderShape({ shape: 'square', colour: 'white', background: 'black', size: 96 })));
    const cases: [string[], RegExp][] = [
      [['--init', junk], /The --init image is not an image that can be read/],
      [['--init', join(dir, 'absent.png')], /does not exist/],
      [['--init', init, '--mask', big], /The --mask image is 96×96 but the input image is 64×64/],
      [['--init', init, '--strength', '1.5'], /denoising strength must be more than 0 and at most 1/],
      [['--init', init, '--resize-mode', 'zoom'], /--resize-mode must be one of resize\|crop\|fill/],
      [['--init', init, '--mask-blur', '2'], /the mask options need --mask/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['img2img', ...args, '--prompt', 'x', '--steps', '2']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const r = await run(['outpaint', '--init', init, '--prompt', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least one side/);
  }, 300_000);

  it('outpaint grows the canvas and keeps the original pixels; generate --hires-scale doubles the size', async () => {
    const image = await renderShape({ shape: 'circle', colour: 'red', background: 'blue', size: 64 });
    const init = join(dir, 'small-circle.png');
    writeFileSync(init, await pngOf(image));
    const out = join(dir, 'outpainted.png');
    expect((await run(['outpaint', '--init', init, '--left', '16', '--mask-blur', '0', '--prompt', 'a red circle on a blue background',
      '--steps', '6', '--seed', '1', '--quiet', '--out', out])).code).toBe(0);
    const grown = await loadSourceImage(out);
    expect([grown.width, grown.height]).toEqual([80, 64]);
    for (let y = 0; y < 64; y += 7) expect([...grown.rgb.subarray((y * 80 + 16 + 5) * 3, (y * 80 + 16 + 6) * 3)]).toEqual([...image.rgb.subarray((y * 64 + 5) * 3, (y * 64 + 6) * 3)]);

    const hires = join(dir, 'hires.png');
    expect((await run(['generate', '--prompt', 'a red circle on a blue background', '--steps', '4', '--hires-scale', '1.5', '--hires-steps', '3',
      '--hires-upscaler', 'latent-nearest', '--seed', '2', '--quiet', '--out', hires])).code).toBe(0);
    expect((await sharp(hires).metadata()).width).toBe(192);
    expect(await parametersOf(hires)).toContain('Size: 128x128, Model: "Demo: coloured shapes", Denoising strength: 0.7, Hires upscale: 1.5, Hires steps: 3, Hires upscaler: Latent (nearest-exact)');
  }, 300_000);
});
