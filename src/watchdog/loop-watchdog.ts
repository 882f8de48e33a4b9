import { closeSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { currentProbeScope, exitProber } from '../journey/containment.js';
import { PACKAGE_ROOT } from '../version.js';
import type { BlockedReport, WatchdogMessage, WatchdogThreadData } from './loop-watchdog-worker.js';

/**
 * A probe stuck in a synchronous loop holds the one JavaScript thread: no deadline, signal or HTTP handler runs
 * again, and Node cannot interrupt it safely (V8's TerminateExecution corrupts Node's async-hook stack and aborts
 * the process). So a watchdog thread watches a heartbeat the event loop bumps; when the loop has not turned for
 * `stallMs`, it has `onBlocked` run inside the blocked thread (through the inspector, served by V8 interrupt),
 * where the async context still names the journey. The plan it returns is carried out there: the watchdog
 * thread writes the reports, then the blocked thread prints one line and exits with the plan's code.
 */
export interface BlockedPlan {
  /** One line for stderr, already redacted. */
  message: string;
  /** `prober run`'s reporters and the result they write, as plain data (the watchdog thread runs them). */
  report?: BlockedReport | undefined;
  exitCode: number;
}

/** Who the blocked thread's async context says is running: a journey, or a file being loaded. */
export interface Blocker {
  journey?: string | undefined;
  /** e.g. `journey golden-path-api`, `probes/x.ts (while loading)`. */
  owner?: string | undefined;
}

export interface WatchdogOptions {
  stallMs: number;
  /**
   * Runs in the blocked thread, synchronously. Returns what to do, or undefined when the block is not this
   * watcher's business (e.g. no probe code is running): the watchdog then keeps watching.
   */
  onBlocked: (blocker: Blocker, stalledMs: number) => BlockedPlan | undefined;
}

export interface LoopWatchdog {
  stop(): void;
}

/** Where the watchdog thread finds the blocked thread's hook (the inspector evaluates a global expression). */
export const WATCHDOG_HOOK = 'golden-path-prober.loop-watchdog';
const HEARTBEAT_MS = 100;
/** Reports of a blocked run must not hold the exit up for ever either. */
const REPORT_BOUND_MS = 15_000;

interface Shared {
  stop(): void;
  /** Ends the thread now, whoever still watches; settles once it is gone (its inspector session closed). */
  end(): Promise<void>;
}

/**
 * One watchdog thread per process, shared by the watchers that come and go (loading the probes, then a run or the
 * daemon): the newest watcher decides what a block means. The thread stops with the last watcher.
 */
const watchers: WatchdogOptions[] = [];
let shared: Shared | undefined;

/**
 * Before an exit forced with `process.exit()`: a watchdog thread still connected to this thread's inspector makes
 * Node print "Waiting for the debugger to disconnect..." on stderr at exit. Ending the thread first keeps the
 * prober's own lines the last word.
 */
export async function endLoopWatchdog(): Promise<void> {
  const thread = shared;
  watchers.length = 0;
  shared = undefined;
  await thread?.end();
}

export function startLoopWatchdog(options: WatchdogOptions): LoopWatchdog {
  watchers.push(options);
  shared ??= startThread(options.stallMs);
  return {
    stop() {
      const i = watchers.lastIndexOf(options);
      if (i >= 0) watchers.splice(i, 1);
      if (watchers.length === 0) {
        shared?.stop();
        shared = undefined;
      }
    },
  };
}

function startThread(stallMs: number): Shared {
  const signals = new Int32Array(new SharedArrayBuffer(8));
  const workerData: WatchdogThreadData = { signals, stallMs, hook: WATCHDOG_HOOK };
  const worker = watchdogThread(workerData);
  worker.unref(); // never the reason the process stays alive
  // A watchdog that cannot start must not take the run down with it.
  worker.on(
    'error',
    (err) => process.env.PROBER_DEBUG === '1' && process.stderr.write(`prober: loop watchdog: ${String(err)}\n`),
  );
  const blocked = (stalledMs: number) => {
    let plan: BlockedPlan | undefined;
    try {
      const scope = currentProbeScope();
      plan = watchers.at(-1)?.onBlocked({ journey: scope?.journey, owner: scope?.owner }, stalledMs);
    } catch {
      plan = { message: `prober: the event loop was blocked for over ${stalledMs} ms; stopping`, exitCode: 70 };
    }
    if (plan === undefined) {
      worker.postMessage({ resume: true } satisfies WatchdogMessage); // not a probe's doing: keep watching
      return;
    }
    worker.postMessage(plan satisfies WatchdogMessage);
    Atomics.wait(signals, 1, 0, REPORT_BOUND_MS);
    writeSync(2, `${plan.message}\n`);
    // Node prints "Waiting for the debugger to disconnect..." at exit while the watchdog's inspector session is
    // open, and closing it needs the event loop this thread no longer runs; our line is the last word on stderr.
    closeSync(2);
    exitProber(plan.exitCode);
  };
  (globalThis as Record<symbol, unknown>)[Symbol.for(WATCHDOG_HOOK)] = { blocked };
  const beat = setInterval(() => Atomics.add(signals, 0, 1), HEARTBEAT_MS);
  beat.unref();
  const end = async () => {
    clearInterval(beat);
    delete (globalThis as Record<symbol, unknown>)[Symbol.for(WATCHDOG_HOOK)];
    await worker.terminate();
  };
  return {
    stop() {
      void end();
    },
    end,
  };
}

/**
 * The thread runs loop-watchdog-worker.ts: from the package, tsc's copy in dist/watchdog/ (found from the package
 * root, since in the bundled CLI this module is a chunk at dist/); from sources (tests, a checkout without dist),
 * the .ts file through tsx, registered in the thread first: Node does not hand a loader registered with
 * `register()` (bin/prober.js) on to worker threads.
 */
function watchdogThread(workerData: WatchdogThreadData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('dist/watchdog/loop-watchdog-worker.js', PACKAGE_ROOT), { workerData });
  const source = new URL('loop-watchdog-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
