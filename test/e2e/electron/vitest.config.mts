// Electron end-to-end tests: `npx vitest run --config test/e2e/electron/vitest.config.mts`. They need the
// Electron binary and a display; without either they are skipped with the reason printed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/electron/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
