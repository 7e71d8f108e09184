import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,golden,integration}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The engine tests load ONNX Runtime sessions with 2 threads each; running files in parallel on a
    // 2-core machine only slows every file down and makes timeouts flaky.
    fileParallelism: false,
    reporters: ['default'],
  },
});
