// dato-studio command line: `generate` (one image), `img2img` / `outpaint` (from an image), `calibrate` (search
// schedules for a model), `plan` (a schedule's cost), `info` (a model's architecture).
import { EngineError } from '../engine/errors';
import { ImageFileError } from '../images/image-file-error';
import { UsageError } from './args';
import { runCalibrate } from './calibrate';
import { runGenerate } from './generate';
import { runImg2Img, runOutpaint } from './img2img';
import { runInfo } from './info';
import { runPlan } from './plan';

const USAGE = `usage: dato-studio <command> [options]
  generate --prompt TEXT [--model PATH] [--negative TEXT] [--steps N] [--cfg F]
           [--sampler ddim|plms|euler|euler_a|dpmpp_2m|dpmpp_2m_karras] [--eta F]
           [--width W] [--height H] [--seed S] [--batch N] [--noise FILE.npy]
           [--ep auto|cpu|cuda|dml|webgpu] [--threads N] [--out FILE.png] [--latents-out FILE.npy] [--json]
           [--mode baseline|cached|dato|dato-fast|prune|custom|calibrated|adaptive] [--schedule F,M,S,K,...]
           [--cache-interval N] [--prune-ratio R[,R...]] [--dato-gamma G] [--dato-alpha A] [--dato-flip P]
           [--hires-scale F [--hires-steps N] [--hires-strength S] [--hires-upscaler latent|latent-nearest|lanczos]]
           [--target-speedup X] (calibrated, default 4) [--adaptive-threshold T] (adaptive)
  calibrate [--model PATH] [--sampler S] [--steps N] [--cfg F] [--width W --height H] [--prompts FILE]
           [--minutes M] (default 10) [--ep E] [--threads N] [--json]
  img2img  --init IMAGE [--strength S] [--resize-mode resize|crop|fill] [--latent-sample]
           [--mask IMAGE [--mask-blur N] [--invert-mask] [--masked-content original|noise|fill]
           [--inpaint-full-res [--inpaint-padding N]]] + every generate option except --noise/--hires-*
  outpaint --init IMAGE [--left N] [--right N] [--top N] [--bottom N] [--strength S] [--mask-blur N]
           [--masked-content original|noise|fill] + generate's prompt, sampler and acceleration options
  plan     [--model PATH] [--steps N] [--sampler S] [--width W] [--height H] [--mode ...] [--schedule ...] [--json]
  info     [--model PATH] [--json]
Without --model the embedded demo model (coloured shapes, 128 px) is used.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'generate': return await runGenerate(rest);
      case 'img2img': return await runImg2Img(rest);
      case 'outpaint': return await runOutpaint(rest);
      case 'calibrate': return await runCalibrate(rest);
      case 'plan': return await runPlan(rest);
      case 'info': return await runInfo(rest);
      case undefined: case '--help': case '-h': case 'help': console.log(USAGE); return command ? 0 : 2;
      default: throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`dato-studio: ${err.message} (see dato-studio --help)`);
      return 2;
    }
    if (err instanceof ImageFileError) {
      console.error(`dato-studio: ${err.message}`);
      return 2;
    }
    if (err instanceof EngineError) {
      console.error(`dato-studio: ${err.message}`);
      return err.code === 'invalid-parameters' ? 2 : 1;
    }
    console.error(`dato-studio: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
