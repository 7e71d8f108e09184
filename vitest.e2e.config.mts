// Browser tests: the built app in web mode, driven in Debian Chromium through playwright-core.
// `npm run test:e2e` builds first (node scripts/build.mjs), then runs these one file at a time: every file
// starts its own server with the real engine, and the machine has two cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/web/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
