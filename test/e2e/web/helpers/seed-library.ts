// Fills a stopped app's library with many gallery rows for the virtualisation test, through the back
// half's own repositories (main/db), the way test/integration/db seeds 10 000 rows. Each row gets its own
// hard link of one real generated image and thumbnail, so startup reconciliation finds every file and the
// browser loads real thumbnails.
import { linkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openStudioDb } from '../../../../main/db';
import { newImagePaths } from '../../../../main/images/library-layout';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'cyan', 'white'];
const SHAPES = ['circle', 'square', 'triangle', 'star', 'ring', 'cross'];
const DAY_MS = 86_400_000;

interface TemplateRow {
  id: number;
  path: string;
  thumb_path: string | null;
}

/** Adds `count` completed generations cloned from the newest one; returns the total gallery size. */
export function seedGallery(dataDir: string, count: number): number {
  const s = openStudioDb(dataDir);
  try {
    const template = s.db.prepare<[], TemplateRow>(`
      SELECT g.id, i.path, i.thumb_path FROM generations g JOIN images i ON i.generation_id = g.id
      WHERE g.status = 'complete' AND g.deleted_at IS NULL ORDER BY g.id DESC LIMIT 1`).get();
    if (!template?.thumb_path) throw new Error('seedGallery needs one generated image (with a thumbnail) in the library first');
    const base = s.generations.get(template.id)!;
    const image = s.images.getByGeneration(template.id)!;
    const outputDir = dirname(dirname(template.path));
    const now = Date.now();
    s.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const createdAt = now - (i + 1) * 60_000 - Math.floor(i / 500) * DAY_MS;
        const seed = 100_000 + i;
        const id = s.generations.insertPending({
          jobId: `seeded-${i}`, batchIndex: 0, modelId: base.modelId,
          prompt: `${COLOURS[i % COLOURS.length]} ${SHAPES[i % SHAPES.length]} number ${i}`,
          negativePrompt: '', sampler: base.sampler, steps: base.steps, cfg: base.cfg, width: base.width, height: base.height,
          seed, mode: i % 3 === 0 ? 'dato' : i % 3 === 1 ? 'cached' : 'baseline', schedule: null, accel: {},
        }, createdAt);
        const paths = newImagePaths(outputDir, id, seed, createdAt);
        mkdirSync(paths.dir, { recursive: true });
        linkSync(template.path, paths.image);
        linkSync(template.thumb_path!, paths.thumbnail);
        const file = { path: paths.image, thumbPath: paths.thumbnail, width: image.width, height: image.height, bytes: image.bytes, sha256: image.sha256 };
        s.generations.markComplete(id, file, {
          provider: base.provider ?? 'cpu', timings: base.timings!, unetSeconds: base.unetSeconds ?? 1, speedup: base.speedup,
        });
      }
    })();
    return count + 1;
  } finally {
    s.close();
  }
}
