import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // a JSON summary beside the console output: .ci/run prints its counts as the closing line
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
