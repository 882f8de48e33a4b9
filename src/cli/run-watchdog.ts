import type { JourneyDefinition } from '../journey/define.js';
import { RunProgress } from '../journey/blocked-run.js';
import type { RunEvent } from '../journey/runner.js';
import { Redactor } from '../redact.js';
import type { ReporterSpec } from '../report/reporters.js';
import { PROBER_VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';
import { startLoopWatchdog } from '../watchdog/loop-watchdog.js';
import type { LoopQuarantine } from '../schedule/loop-quarantine.js';

/**
 * How long the event loop may stay blocked before the prober gives up on it. Far above any pause Node itself
 * makes (GC, a module compile), far below a CI job's patience; a journey blocked this long never finishes anyway.
 */
export const LOOP_STALL_MS = 5_000;

export interface RunWatch {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/**
 * `prober run` under the loop watchdog: if probe code blocks the event loop, the run is still reported (the
 * blocking journey `error`/`prober`, journeys still going `error`/`aborted`, finished ones as they were) to every
 * reporter, and the process exits 2, never a success code.
 */
export function watchRun(run: {
  journeys: readonly JourneyDefinition[];
  runId: string;
  environment: string;
  redactor: Redactor;
  reporters: readonly ReporterSpec[];
}): RunWatch {
  const progress = new RunProgress(run.journeys);
  const startedAt = new Date();
  const watchdog = startLoopWatchdog({
    stallMs: LOOP_STALL_MS,
    onBlocked: ({ journey }, stalledMs) => {
      const result = progress.blockedResult(
        { runId: run.runId, environment: run.environment, proberVersion: PROBER_VERSION, startedAt },
        journey,
        stalledMs,
      );
      const who = journey === undefined ? 'probe code' : `journey ${journey}`;
      return {
        message: run.redactor.scrub(
          `prober: ${who} blocked the event loop for over ${stalledMs} ms (a synchronous loop?); reported as a prober error, exit ${EXIT.error}`,
        ),
        report: { result: run.redactor.scrubDeep(result), reporters: [...run.reporters] },
        exitCode: EXIT.error,
      };
    },
  });
  return { onEvent: (event) => progress.onEvent(event), stop: () => watchdog.stop() };
}

/**
 * `prober schedule` under the loop watchdog. A blocked daemon cannot probe, answer `/healthz` or alert, and no
 * thread can unblock it safely, so within `LOOP_STALL_MS` it writes the blocking journey into the loop quarantine
 * (synchronously, from the blocked thread) and exits 2: the supervisor (systemd `Restart=`, a Kubernetes restart
 * policy) brings it back, and the next start records the blocked run once as `error`/`prober`, leaves that journey
 * unscheduled, answers `/healthz` 503 and fires the `prober:` alert (src/schedule/loop-quarantine.ts).
 */
export function watchDaemon(redactor: Redactor, quarantine?: LoopQuarantine): { stop(): void } {
  return startLoopWatchdog({
    stallMs: LOOP_STALL_MS,
    onBlocked: ({ journey }, stalledMs) => {
      const who = journey === undefined ? 'probe code' : `journey ${journey}`;
      let held = 'it could not be pinned on a running journey, so it may block again after the restart';
      if (journey !== undefined && quarantine !== undefined) {
        try {
          const entry = quarantine.recordBlocked(journey, stalledMs);
          if (entry !== undefined)
            held = `${entry.step === undefined ? '' : `in step ${entry.step.name}; `}it is quarantined in ${quarantine.file} until its code changes`;
        } catch (err) {
          held = `the quarantine could not be written (${(err as NodeJS.ErrnoException).code ?? String(err)}), so it may block again after the restart`;
        }
      }
      return {
        message: redactor.scrub(
          `prober: ${who} blocked the event loop for over ${stalledMs} ms (a synchronous loop?); ${held}; the daemon exits ${EXIT.error} so its supervisor restarts it`,
        ),
        exitCode: EXIT.error,
      };
    },
  });
}

/**
 * While the config and the probes load (every command that loads them): a journey file whose top-level code loops
 * for ever would hang `prober validate`, `run` or `schedule` with no output. Only a block inside a file being
 * loaded is this watcher's business; anything else keeps being watched (by the run or the daemon, once they start).
 */
export function watchLoading(): { stop(): void } {
  return startLoopWatchdog({
    stallMs: LOOP_STALL_MS,
    onBlocked: ({ owner }, stalledMs) =>
      owner === undefined
        ? undefined
        : {
            // The patterns (bearer tokens, JWTs) only: the config's secrets are not known yet, and the line names a file.
            message: new Redactor().scrub(
              `prober: ${owner} blocked the event loop for over ${stalledMs} ms (a synchronous loop in its top-level code?); nothing ran; exit ${EXIT.error}`,
            ),
            exitCode: EXIT.error,
          },
  });
}
