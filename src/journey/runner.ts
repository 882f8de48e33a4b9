import { performance } from 'node:perf_hooks';
import { randomHexId } from './random-id.js';
import type { Redactor } from '../redact.js';
import type { JourneyResult, StepResult } from './result-schema.js';
import type { JourneyDefinition, StepDefinition } from './define.js';
import type { JourneyResources, StepIoFactory, StepScope } from './step-ports.js';
import type { ProbeScope } from './containment.js';
import type { ReachabilityCheck } from './reachability.js';
import { Deadline, NEVER_ABORTS, type AbortSource } from './deadline-signal.js';
import { deriveJourneyOutcome } from './derive-verdict.js';
import { JourneyStalls } from './stall-judge.js';
import { round, skippedResult } from './step-result.js';
import { makeVars } from './vars.js';
import { JourneyWire } from '../wire/step-wire.js';
import { wireInstalled } from '../wire/install-wire.js';
import { withDeadline } from './with-deadline.js';
import { CLOSE_BOUND_MS, JOURNEY_GRACE_MS, closeWarnings, unendedStep } from './journey-grace.js';

export type { StepIo, StepIoFactory } from './step-ports.js';

export interface StepOverride {
  timeoutMs?: number | undefined;
  budgetMs?: number | undefined;
}

export interface JourneyRunOptions {
  runId: string;
  targets: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
  variables: Readonly<Record<string, string>>;
  redactor: Redactor;
  io: StepIoFactory;
  userAgent: string;
  maxBodyBytes: number;
  timeoutMs?: number | undefined;
  budgetMs?: number | undefined;
  steps?: Readonly<Record<string, StepOverride>> | undefined;
  /** Cancels the run from outside (shutdown); steps then end as `aborted`. */
  signal?: AbortSignal | undefined;
  /** Cleanup steps still run after an abort, but no longer than this. */
  cleanupAfterAbortMs?: number;
  onEvent?: (event: RunEvent) => void;
  /** `--until STEP`: run up to and including this step, then only the `always` (cleanup) steps. */
  untilStep?: string | undefined;
  /** Checks a step's service when nothing else explains its error (journey/reachability.ts); without it, none. */
  reach?: ReachabilityCheck | undefined;
}

export type RunEvent =
  | { type: 'journey/start'; journey: string }
  | { type: 'step/start'; journey: string; step: string }
  | { type: 'step/end'; journey: string; result: StepResult }
  | { type: 'journey/end'; result: JourneyResult };

/**
 * One attempt of one journey: its steps in order under their deadlines, its cleanup steps always, its connections
 * closed, ending in a `JourneyResult` within its deadline plus a grace. Retries, the janitor and the run's result
 * are `runJourneys`' (run.ts); the browser, the versions and the sinks are the pipeline's (src/pipeline/).
 */
export async function runJourneyAttempt(def: JourneyDefinition, opts: JourneyRunOptions): Promise<JourneyResult> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = () =>
    Promise.allSettled(
      closers
        .splice(0)
        .reverse()
        .map(async (close) => close()),
    );
  let current: StepScope | undefined;
  const resources: JourneyResources = {
    onClose: (fn) => closers.push(fn),
    current: () => {
      if (current === undefined) throw new Error('no step is running');
      return current;
    },
  };
  // Journey-scoped set-up (a fresh browser context) happens before the clock starts: it is the prober's work, not
  // the environment's, and must not eat the journey's deadline or budget on a loaded machine.
  const ioForStep = await Promise.resolve(opts.io(resources, { runId: opts.runId, journey: def.name })).catch(
    async (err: unknown) => {
      await closeAll();
      throw err;
    },
  );
  const startedAt = new Date();
  const t0 = performance.now();
  const traceId = randomHexId(16);
  const outer: AbortSource = opts.signal ?? NEVER_ABORTS;
  const journeyTimeoutMs = opts.timeoutMs ?? def.timeoutMs;
  // Unreferenced, as AbortSignal.timeout's: each step's own timer keeps the process alive while it runs.
  const journeyBound = new Deadline(outer, journeyTimeoutMs, { ref: false });
  const journeyTimeout = journeyBound.timedOut;
  const journeyDeadline = Date.now() + journeyTimeoutMs;
  const vars = makeVars();
  // Faults of this journey's code (an unhandled rejection, a throw from a timer, process.exit) end its running
  // step as a prober error; one arriving between steps fails the next step, so it is never lost.
  let faultStep: ((message: string, thrown?: unknown) => void) | undefined;
  let pendingFault: { message: string; thrown: unknown } | undefined;
  const wire = wireInstalled() ? new JourneyWire() : undefined;
  const probeScope: ProbeScope = {
    owner: `journey ${def.name}`,
    journey: def.name,
    fault: (message, thrown) => {
      if (faultStep === undefined) pendingFault ??= { message, thrown };
      else faultStep(message, thrown);
    },
  };
  opts.onEvent?.({ type: 'journey/start', journey: def.name });

  const results: StepResult[] = [];
  const warnings: string[] = [];
  let firstFailure: string | undefined;
  let stoppedAfter: string | undefined;
  let running: { s: StepDefinition; startedAt: Date; timeoutMs: number } | undefined;
  // Set when the grace ran out: the steps still to come are not started, whatever the abandoned one does later.
  let abandoned = false;
  const stalls = new JourneyStalls();
  const runSteps = async () => {
    for (const s of def.steps) {
      if (abandoned) return;
      if (firstFailure !== undefined && !s.always) {
        results.push(skippedResult(s, `not run: step ${firstFailure} failed`));
        continue;
      }
      if (stoppedAfter !== undefined && !s.always) {
        results.push(skippedResult(s, `not run: --until ${stoppedAfter}`));
        continue;
      }
      opts.onEvent?.({ type: 'step/start', journey: def.name, step: s.name });
      const override = opts.steps?.[s.name];
      const timeoutMs = override?.timeoutMs ?? s.timeoutMs;
      running = { s, startedAt: new Date(), timeoutMs };
      const result = await stalls.runStep(s, {
        runId: opts.runId,
        targets: opts.targets,
        secrets: opts.secrets,
        variables: opts.variables,
        redactor: opts.redactor,
        userAgent: opts.userAgent,
        maxBodyBytes: opts.maxBodyBytes,
        journey: def.name,
        journeyMapError: def.mapError,
        vars,
        resources,
        traceId,
        setCurrent: (scope) => (current = scope),
        ioForStep,
        deadline: {
          timeoutMs,
          budgetMs: override?.budgetMs ?? s.budgetMs,
          // Cleanup must run even after the journey deadline, so it gets its own bounded signal.
          parent: s.always ? cleanupSignal(outer, opts.cleanupAfterAbortMs ?? 5_000) : journeyBound,
          parentDeadline: s.always ? Number.POSITIVE_INFINITY : journeyDeadline,
          journeyTimeout: s.always ? undefined : journeyTimeout,
          outer,
        },
        probeScope,
        wire,
        reach: opts.reach,
        onFault: (fn) => {
          faultStep = fn;
          if (fn !== undefined && pendingFault !== undefined) fn(pendingFault.message, pendingFault.thrown);
          pendingFault = undefined;
        },
      });
      running = undefined;
      if (abandoned) return;
      results.push(result);
      opts.onEvent?.({ type: 'step/end', journey: def.name, result });
      if ((result.status === 'fail' || result.status === 'error') && !s.always) firstFailure ??= s.name;
      if (s.name === opts.untilStep) stoppedAfter = s.name;
    }
  };
  const finish = async () => {
    try {
      await runSteps();
    } finally {
      journeyBound.close();
      const closed = await withDeadline(closeAll(), CLOSE_BOUND_MS, () => undefined);
      if (closed === undefined) warnings.push(`the journey's connections did not close within ${CLOSE_BOUND_MS} ms`);
      else warnings.push(...closeWarnings(closed));
      // What the journey's code left open (a client never closed, a cleanup abandoned) ends with the journey run.
      wire?.destroyLeftovers();
    }
  };
  // A referenced timer: whatever the journey's code or its libraries leave pending, the run ends here with a result.
  const graceMs = Math.max(0, journeyDeadline + JOURNEY_GRACE_MS - Date.now());
  const ended = await withDeadline(
    finish().then(() => true),
    graceMs,
    () => false,
  );
  if (!ended) {
    abandoned = true;
    journeyBound.close();
    const unended = running;
    if (unended !== undefined) {
      const result = unendedStep(unended.s, unended.startedAt, unended.timeoutMs, JOURNEY_GRACE_MS);
      results.push(result);
      opts.onEvent?.({ type: 'step/end', journey: def.name, result });
    }
    // Not awaited: a closer may be what hangs; the ones that can still close do.
    void closeAll();
    wire?.destroyLeftovers();
    for (const s of def.steps.slice(results.length))
      results.push(
        skippedResult(s, `not run: the journey did not end within its deadline plus ${JOURNEY_GRACE_MS} ms`),
      );
    warnings.push(
      `the journey run did not end within its deadline plus ${JOURNEY_GRACE_MS} ms and was recorded as ended`,
    );
  }
  const durationMs = performance.now() - t0;
  const budgetMs = opts.budgetMs ?? def.budgetMs;
  const outcome = deriveJourneyOutcome({ capability: def.capability, steps: results, durationMs, budgetMs });
  const result: JourneyResult = {
    journey: def.name,
    description: def.description,
    status: outcome.status,
    startedAt: startedAt.toISOString(),
    durationMs: round(durationMs),
    ...(budgetMs === undefined ? {} : { budgetMs }),
    verdict: outcome.verdict,
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    steps: results.slice(),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
  opts.onEvent?.({ type: 'journey/end', result });
  return result;
}

function cleanupSignal(outer: AbortSource, boundMs: number): AbortSource {
  if (!outer.aborted) return NEVER_ABORTS;
  return AbortSignal.timeout(boundMs);
}
