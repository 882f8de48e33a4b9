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
    // Two cores, but the end-to-end files mostly wait (on deadlines, ticks, servers and child processes): eight of
    // them used 0.6 of a core at 2 workers, and 3 workers cut their wall by a third with the same per-file times; 4
    // gained nothing more and made a timing-sensitive file fail. Keep it at 3.
    maxWorkers: 3,
    // A clean clone (CI) has no results cache: start the known slow files first rather than by file size.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
