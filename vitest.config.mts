import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The engine tests load ONNX Runtime sessions with 2 threads each; running files in parallel on a
    // 2-core machine only slows every file down and makes timeouts flaky.
    fileParallelism: false,
    reporters: ['default'],
    // Tests that run the CLI without --home must not read or migrate the user's own library
    // (~/.config/dato-studio): every test process gets a private, empty one.
    env: { DATO_STUDIO_HOME: mkdtempSync(join(tmpdir(), 'dato-test-library-')) },
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/{unit,golden,integration}/**/*.test.ts'], exclude: ['**/*.svelte.test.ts'] },
      },
      // The renderer's runes state classes (*.svelte.ts): compiled by the Svelte plugin, with Svelte's client
      // runtime (the 'browser' export condition), as the Svelte docs' testing guide sets it up.
      {
        extends: true,
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: { name: 'svelte', include: ['test/unit/renderer/**/*.svelte.test.ts'] },
      },
    ],
  },
});
