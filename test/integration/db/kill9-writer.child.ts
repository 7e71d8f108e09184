// Child of kill-9.test.ts: writes generations with their image rows as fast as it can, three per
// transaction, and prints the ids of each transaction after its commit returned (= acknowledged).
import { openDatabase } from '../../../main/db/database';
import { GenerationsRepo } from '../../../main/db/generations-repo';
import { ImagesRepo } from '../../../main/db/images-repo';

const file = process.argv[2];
if (!file) throw new Error('usage: kill9-writer <db file>');
const db = openDatabase(file);
const images = new ImagesRepo(db);
const generations = new GenerationsRepo(db, images);
const writeBatch = db.transaction((round: number): number[] => {
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const id = generations.insertPending({
      jobId: `${process.pid}-${round}`, batchIndex: i, modelId: null, prompt: `kill test ${round} ${i}`, negativePrompt: '',
      sampler: 'ddim', steps: 30, cfg: 5, width: 64, height: 64, seed: round, mode: 'baseline', schedule: null, accel: {},
    });
    generations.markComplete(id, { path: `/nowhere/${process.pid}-${id}.png`, thumbPath: null, width: 64, height: 64, bytes: 1, sha256: 'x' },
      { provider: 'cpu', timings: { load: 0, textEncode: 0, unetLoop: 0, decode: 0, total: 0 }, unetSeconds: 0, speedup: null });
    ids.push(id);
  }
  return ids;
});
process.stdout.write('ready\n');
for (let round = 0; ; round++) {
  const ids = writeBatch(round);
  process.stdout.write(`${ids.join(',')}\n`);
}
