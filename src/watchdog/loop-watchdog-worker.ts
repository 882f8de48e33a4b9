import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The watchdog thread (see loop-watchdog.ts), started by `new Worker` on this file: tsc's dist/watchdog/ copy from
 * the package, this source through tsx when the CLI runs from a checkout. It shares only `signals` with the
 * watched thread: [0] the heartbeat the event loop bumps, [1] set to 1 once the reports are written. It imports
 * the reporters only when it has a run to report.
 */
export interface WatchdogThreadData {
  signals: Int32Array;
  stallMs: number;
  /** The global symbol under which the watched thread keeps its `blocked(stalledMs)` hook. */
  hook: string;
}

/** `prober run`'s reporters and the result they write, as plain data (this thread runs them). */
export interface BlockedReport {
  result: unknown;
  reporters: { name: string; path?: string | undefined }[];
}

/** From the watched thread: a plan for the block (its reports, if any, to write), or keep watching. */
export type WatchdogMessage = { report?: BlockedReport | undefined } | { resume: true };

const POLL_MS = 250;
const { signals, stallMs, hook } = workerData as WatchdogThreadData;
const port = parentPort!;

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
  const expression = `globalThis[Symbol.for(${JSON.stringify(hook)})]?.blocked(${Date.now() - since})`;
  session.post('Runtime.evaluate', { expression });
}, POLL_MS);

port.on('message', async (message: WatchdogMessage) => {
  if ('resume' in message) {
    // The watcher says this block is none of its business (no probe code runs): watch afresh.
    asking = false;
    since = Date.now();
    return;
  }
  if (message.report !== undefined) {
    await writeReports(message.report).catch((err: unknown) =>
      writeSync(2, `prober: could not write the reports: ${String((err as Error | undefined)?.message)}\n`),
    );
  }
  Atomics.store(signals, 1, 1);
  Atomics.notify(signals, 1);
});

/** The blocked thread can no longer write, so this thread runs the reporters of prober run, stdout included. */
async function writeReports(report: BlockedReport): Promise<void> {
  for (const [stream, fd] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    // A worker's stdout is relayed through the (blocked) main thread; write to the file descriptor instead.
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else writeSync(fd, chunk);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  const [{ createReporters }, { RunResult }] = await Promise.all([
    import('../report/reporters.js'),
    import('../journey/result-schema.js'),
  ]);
  const result = RunResult.parse(report.result);
  for (const r of createReporters(report.reporters)) await r.report(result);
}
