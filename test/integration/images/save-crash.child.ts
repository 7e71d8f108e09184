// Child of crash-points.test.ts: saves one image and SIGKILLs itself right after the step named on the
// command line, the way a power cut or crash would stop it (no cleanup code runs).
import { openStudioDb } from '../../../main/db';
import { saveGeneratedImage, type SaveStep } from '../../../main/images/image-store';
import { completion, generation, testPattern } from './store-fixture';

const [dataDir, outputDir, stopAt] = process.argv.slice(2) as [string, string, SaveStep];
const db = openStudioDb(dataDir);
void saveGeneratedImage({
  generations: db.generations, outputDir, generation: generation(), completion,
  rgb: testPattern(64, 48), width: 64, height: 48, appVersion: 'crash-test',
  onProgress: (step) => {
    if (step === stopAt) process.kill(process.pid, 'SIGKILL');
  },
});
