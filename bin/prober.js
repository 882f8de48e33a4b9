#!/usr/bin/env node
// Runs the built CLI (built by `npm run build`, and shipped built in the package), else, in a checkout of this
// repository without a build, the TypeScript sources through tsx (a dev dependency).
import { existsSync, statSync } from 'node:fs';
import module from 'node:module';

// V8's code cache for our modules (Node >= 22.1; a no-op where absent, and Node falls back silently when the cache
// folder cannot be written): a cold `prober run` otherwise spends about a quarter of its start-up compiling the CLI.
module.enableCompileCache?.();

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

// dist/cli.js is the CLI bundled (scripts/bundle.mjs, after tsc in `npm run build` and `prepack`): a cold start
// reads a few files instead of a few hundred. A bare `tsc` rebuild after it leaves the bundle stale, so tsc's own
// output (dist/cli/main.js) runs when its build info is newer.
const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime('../dist/cli.js');
const compiled = mtime('../dist/.tsbuildinfo');
let entry;
if (bundled !== undefined && (compiled === undefined || bundled >= compiled))
  entry = new URL('../dist/cli.js', import.meta.url).href;
else if (existsSync(new URL('../dist/cli/main.js', import.meta.url)))
  entry = new URL('../dist/cli/main.js', import.meta.url).href;
else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
const { main, endLoopWatchdog } = await import(entry);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A run ends once its reports are written: a socket, an interval or a pending promise a journey's library left behind
// must not hold the CI job open. Files and shell pipes are written synchronously, but a Node parent's stdio 'pipe'
// is a socket whose writes can still be queued: both are drained first, or a 500-journey report spawned from Node
// lost its tail (issue 24). write('', cb) calls back once everything written before it is out.
if (['run', 'demo'].includes(process.argv[2] ?? '')) {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((r) => s.write('', () => r()))));
  // The loop watchdog's thread holds an inspector session on this thread: ended first, or Node prints "Waiting for
  // the debugger to disconnect..." after our last line.
  await endLoopWatchdog();
  process.exit(code);
}
