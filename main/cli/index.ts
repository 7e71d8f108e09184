// dato-studio command line: `generate` (one image), `img2img` / `outpaint` (from an image), `calibrate` (search
// schedules for a model), `plan` (a schedule's cost), `info` (a model's architecture, or what a LoRA / embedding
// / VAE file is), `restore-backup` (the library from its newest good backup).
import packageJson from '../../package.json';
import { EngineError } from '../engine/index';
import { ImageFileError } from '../images/image-file-error';
import { UsageError } from './args';
import { CALIBRATE_USAGE, runCalibrate } from './calibrate';
import { GENERATE_USAGE, runGenerate } from './generate';
import { IMG2IMG_USAGE, OUTPAINT_USAGE, runImg2Img, runOutpaint } from './img2img';
import { INFO_USAGE, runInfo } from './info';
import { PLAN_USAGE, runPlan } from './plan';
import { RESTORE_BACKUP_USAGE, runRestoreBackup } from './restore-backup';

const COMMANDS: Readonly<Record<string, { usage: string; run(argv: readonly string[]): Promise<number> }>> = {
  generate: { usage: GENERATE_USAGE, run: runGenerate },
  img2img: { usage: IMG2IMG_USAGE, run: runImg2Img },
  outpaint: { usage: OUTPAINT_USAGE, run: runOutpaint },
  calibrate: { usage: CALIBRATE_USAGE, run: runCalibrate },
  plan: { usage: PLAN_USAGE, run: runPlan },
  info: { usage: INFO_USAGE, run: runInfo },
  'restore-backup': { usage: RESTORE_BACKUP_USAGE, run: runRestoreBackup },
};

const USAGE = `usage: dato-studio <command> [options]      (dato-studio <command> --help for its options)
  generate --prompt TEXT [options]   one image (or --batch N) with the engine the app uses (+ hires fix)
  img2img --init IMAGE [options]     image-to-image, or inpainting with --mask IMAGE
  outpaint --init IMAGE [options]    extend an image on any side (--left/--right/--top/--bottom N)
  calibrate [options]                search the fastest schedules that keep the picture, for --mode calibrated
  plan [options]                     what an acceleration schedule costs before running it
  info [--model PATH]                the architecture detected in a model, or what a LoRA /
                                     embedding / VAE file is
  restore-backup [options]           the library from its newest good backup (with the app closed)
  --version                          the version of DaTo Studio
Without --model the embedded demo model (coloured shapes, 128 px) is used.`;

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) { console.error(USAGE); return 2; }
    if (isHelp(command)) { console.log(USAGE); return 0; }
    if (command === '--version' || command === '-v') { console.log(`dato-studio ${packageJson.version}`); return 0; }
    const cmd = COMMANDS[command];
    if (!cmd) throw new UsageError(`unknown command "${command}"`);
    if (rest.some((a) => a === '--help' || a === '-h')) { console.log(cmd.usage); return 0; }
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`dato-studio: ${err.message} (see dato-studio ${command && COMMANDS[command] ? `${command} ` : ''}--help)`);
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
