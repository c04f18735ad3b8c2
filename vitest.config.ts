import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A guard against hangs, not a speed check: an Action run with Docker takes minutes on a busy 2-core runner.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Docker and timing tests compete for two cores; run files one at a time for stable measurements.
    fileParallelism: false,
  },
});
