import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Most end-to-end tests spawn the real CLI (a cold Node process) one or more times.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end files start real servers and browsers, so keep parallelism modest.
    maxWorkers: 2,
  },
});
