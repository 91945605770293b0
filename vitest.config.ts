import { defineConfig } from 'vitest/config';

// Unit and integration tests: plain Node, real SQLite files, real images, real processes.
// End-to-end browser tests have their own config (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here; SQLite files and image work are I/O and CPU heavy.
    maxWorkers: 2,
  },
});
