import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // probes/ import the package's public entry points, as a user's journeys do; in the tests they are the sources.
  resolve: {
    alias: [
      { find: /^golden-path-prober\/browser$/, replacement: source('./src/browser.ts') },
      { find: /^golden-path-prober$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Most end-to-end tests spawn the real CLI (a cold Node process) one or more times.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores. 3 workers cut the wall by a third when measured alone, but with the Node-line smoke sets compiling
    // beside the suite in CI (.ci/run) a packed fault case read its own box as stalled (exit 2 for 1) in a clean
    // CI run; 2 workers leave the niced compiles the time the end-to-end files spend waiting.
    maxWorkers: 2,
    // A clean clone (CI) has no results cache: start the known slow files first rather than by file size.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
