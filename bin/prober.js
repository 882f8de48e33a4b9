#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, and shipped built in the package), else, in a checkout of this
// repository without a build, the TypeScript sources through tsx (a dev dependency).
import { existsSync } from 'node:fs';

// A SIGTERM/SIGINT that arrives while a run or the daemon is still loading (the CLI, the config, the probes) is held
// here and handed to the command once it listens (src/cli/early-signals.ts): the run still ends with its result
// reported and 143/130, the daemon with 0, instead of dying silently by the signal.
if (['run', 'demo', 'schedule'].includes(process.argv[2] ?? '')) {
  const early = { signal: undefined };
  const hold = (sig) => (early.signal ??= sig);
  process.on('SIGTERM', hold);
  process.on('SIGINT', hold);
  globalThis[Symbol.for('golden-path-prober.early-signal')] = {
    take() {
      process.off('SIGTERM', hold);
      process.off('SIGINT', hold);
      return early.signal;
    },
  };
}

const dist = new URL('../dist/cli/main.js', import.meta.url);
let entry = dist.href;
if (!existsSync(dist)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
