import { defineConfig } from 'vitest/config';

// End-to-end: the built renderer in Debian's Chromium (playwright-core) against a real
// `reward-studio serve` child process. Run with `npx vitest run -c vitest.e2e.config.ts`.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/harness/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One browser and one server at a time: these machines have few cores, and the screenshots
    // must not be taken while another test loads the CPU.
    fileParallelism: false,
  },
});
