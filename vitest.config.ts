import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Docker and timing tests compete for two cores; run files one at a time for stable measurements.
    fileParallelism: false,
  },
});
