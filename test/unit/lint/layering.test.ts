// The import zones of eslint.config.mjs, proven on code that breaks them: `npm test` (which runs
// `npm run lint`) fails on a wrong-way import. Each case lints a source text as if it were a file at `as`,
// with the project's own config; only the layering rule is looked at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

// The files linted here do not exist on disk, so the type-aware rules (which need the TypeScript project)
// are switched off; the layering rule is syntactic.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

async function layeringErrors(as: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, as) });
  // A message without a rule is a parse error or "file ignored": either would make a case pass vacuously.
  expect(result!.messages.filter((m) => m.ruleId === null)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('layering lint', () => {
  test('the fixture: main/services reaching into engine models and weights fails, naming the entry file', async () => {
    const fixture = readFileSync(join(ROOT, 'test/fixtures/lint/plan-cost-in-main.ts'), 'utf8');
    const errors = await layeringErrors('main/services/plan-cost.ts', fixture);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/main\/engine\/index\.ts/);
  });

  const wrong: [string, string, string][] = [
    ['renderer reaches into main', 'renderer/src/lib/x.ts', "import { openStudio } from '../../../main/services/studio';"],
    ['renderer imports the preload bundle', 'renderer/src/lib/x.ts', "import '../../../preload/index';"],
    ['a component imports Node', 'renderer/src/components/X.svelte', "<script lang=\"ts\">\n  import { readFileSync } from 'node:fs';\n  readFileSync('x');\n</script>\n"],
    ['preload imports main', 'preload/index.ts', "import { openStudio } from '../main/services/studio';"],
    ['the contract imports a package', 'preload/contract/dto.ts', "import sharp from 'sharp';\nexport const s = sharp;"],
    ['the CLI imports engine internals', 'main/cli/plan.ts', "import { estimatePlanCost } from '../engine/accel/cost';\nexport const e = estimatePlanCost;"],
    ['web mode imports engine internals', 'main/web/x.ts', "import { openCheckpoint } from '../engine/weights/checkpoint';\nexport const o = openCheckpoint;"],
    ['main/index.ts imports the graph builder', 'main/index.ts', "import { Graph } from './engine/graph/graph';\nexport const g = Graph;"],
    ['db imports images', 'main/db/backup.ts', "import { writeFileAtomic } from '../images/image-store';\nexport const w = writeFileAtomic;"],
    ['db imports services', 'main/db/x.ts', "import { notFound } from '../services/service-error';\nexport const n = notFound;"],
    ['db imports an engine value', 'main/db/x.ts', "import { Engine } from '../engine/index';\nexport const e = Engine;"],
    ['images imports services', 'main/images/x.ts', "import { toApiError } from '../services/to-api-error';\nexport const t = toApiError;"],
    ['services import electron', 'main/services/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['the engine imports the database', 'main/engine/pipeline/x.ts', "import { openStudioDb } from '../../db/index';\nexport const o = openStudioDb;"],
    ['the engine imports the contract beyond its vocabulary', 'main/engine/x.ts', "import { LIMITS } from '../../preload/contract';\nexport const l = LIMITS;"],
    ['a model imports the runtime', 'main/engine/models/unet/x.ts', "import { createSession } from '../../runtime/session-options';\nexport const c = createSession;"],
    ['the graph builder imports models', 'main/engine/graph/ops/x.ts', "import { resBlock } from '../../models/unet/res-block';\nexport const r = resBlock;"],
    ['the graph builder imports the runtime', 'main/engine/graph/x.ts', "import { createSession } from '../runtime/session-options';\nexport const c = createSession;"],
    ['common imports a layer', 'main/common/x.ts', "import { openStudioDb } from '../db/index';\nexport const o = openStudioDb;"],
  ];
  test.each(wrong)('fails: %s', async (_name, as, source) => {
    expect(await layeringErrors(as, source)).not.toEqual([]);
  });

  const allowed: [string, string, string][] = [
    ['services use the engine entry', 'main/services/x.ts', "import { Engine } from '../engine/index';\nexport const e = Engine;"],
    ['renderer uses the contract', 'renderer/src/lib/x.ts', "import { LIMITS } from '../../../preload/contract';\nexport const l = LIMITS;"],
    ['preload uses electron and the contract', 'preload/index.ts', "import { contextBridge } from 'electron';\nimport { LIMITS } from './contract';\nexport const x = [contextBridge, LIMITS];"],
    ['db uses engine types', 'main/db/x.ts', "import type { AccelSettings } from '../engine/index';\nexport type A = AccelSettings;"],
    ['db uses common and the vocabulary', 'main/db/x.ts', "import { AppError } from '../common/app-error';\nimport { LIMITS } from '../../preload/contract/vocabulary';\nexport const x = [AppError, LIMITS];"],
    ['images record in the database', 'main/images/x.ts', "import { mapSqliteError } from '../db/errors';\nexport const m = mapSqliteError;"],
    ['the engine uses the vocabulary', 'main/engine/accel/x.ts', "import { LIMITS } from '../../../preload/contract/vocabulary';\nexport const l = LIMITS;"],
    ['the app shell imports electron', 'main/app/x.ts', "import { app } from 'electron';\nexport const a = app;"],
  ];
  test.each(allowed)('passes: %s', async (_name, as, source) => {
    expect(await layeringErrors(as, source)).toEqual([]);
  });
});
