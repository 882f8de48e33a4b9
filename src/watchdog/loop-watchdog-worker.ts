/**
 * The watchdog thread's code (see loop-watchdog.ts), as plain JavaScript run with `eval: true`: a worker file
 * would need the TypeScript loader when the CLI runs from sources, and Node does not pass `--import` to workers.
 * It shares only `signals` with the watched thread: [0] the heartbeat the event loop bumps, [1] set to 1 once the
 * reports are written. It imports the reporters (by URL; `loaderUrl` first when those are TypeScript sources)
 * only when it has a run to report.
 */
export const WATCHDOG_WORKER_SOURCE = String.raw`
const { writeSync } = require('node:fs');
const { Session } = require('node:inspector');
const { parentPort, workerData } = require('node:worker_threads');
const { signals, stallMs, hook, reportersUrl, schemaUrl, loaderUrl } = workerData;
const POLL_MS = 250;

const session = new Session();
session.connectToMainThread();

let seen = Atomics.load(signals, 0);
let since = Date.now();
let asking = false;
setInterval(() => {
  const now = Atomics.load(signals, 0);
  if (now !== seen) {
    seen = now;
    since = Date.now();
    return;
  }
  if (asking || Date.now() - since < stallMs) return;
  // One question at a time: the hook answers with a plan (and the process ends) or with "resume".
  asking = true;
  // V8 serves inspector requests by interrupt, so this runs inside the blocked thread, in the async context of
  // the code that blocks it. The answer never comes back (the thread stays blocked); the hook posts its plan here.
  session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for(' + JSON.stringify(hook) + ')]?.blocked(' + (Date.now() - since) + ')' });
}, POLL_MS);

parentPort.on('message', async (plan) => {
  if (plan.resume === true) {
    // The watcher says this block is none of its business (no probe code runs): watch afresh.
    asking = false;
    since = Date.now();
    return;
  }
  if (plan.report !== undefined) {
    await writeReports(plan.report).catch((err) => writeSync(2, 'prober: could not write the reports: ' + String(err && err.message) + '\n'));
  }
  Atomics.store(signals, 1, 1);
  Atomics.notify(signals, 1);
});

/** The blocked thread can no longer write, so this thread runs the reporters of prober run, stdout included. */
async function writeReports(report) {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]]) {
    // A worker's stdout is relayed through the (blocked) main thread; write to the file descriptor instead.
    stream.write = (chunk, ...rest) => {
      writeSync(fd, chunk);
      const done = rest.find((r) => typeof r === 'function');
      if (done) done();
      return true;
    };
  }
  if (loaderUrl) (await import(loaderUrl)).register();
  const { createReporters } = await import(reportersUrl);
  const { RunResult } = await import(schemaUrl);
  const result = RunResult.parse(report.result);
  for (const r of createReporters(report.reporters)) await r.report(result);
}
`;
