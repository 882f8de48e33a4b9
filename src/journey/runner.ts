import { performance } from 'node:perf_hooks';
import { randomHexId } from './random-id.js';
import type { Redactor } from '../redact.js';
import type { JourneyResult, StepResult } from './result-schema.js';
import type { JourneyDefinition, StepDefinition } from './define.js';
import type { StepIoFactory } from './step-ports.js';
import type { StepRun } from './run-step.js';
import type { StepDeadline } from './step-scope.js';
import { JourneyFaults } from './journey-faults.js';
import { OpenResources } from './journey-resources.js';
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
  const open = new OpenResources();
  // Journey-scoped set-up (a fresh browser context) happens before the clock starts: it is the prober's work, not
  // the environment's, and must not eat the journey's deadline or budget on a loaded machine.
  const ioForStep = await Promise.resolve(opts.io(open.resources, { runId: opts.runId, journey: def.name })).catch(
    async (err: unknown) => {
      await open.closeAll();
      throw err;
    },
  );
  const startedAt = new Date();
  const t0 = performance.now();
  const outer: AbortSource = opts.signal ?? NEVER_ABORTS;
  const journeyTimeoutMs = opts.timeoutMs ?? def.timeoutMs;
  const clock: JourneyClock = {
    outer,
    // Unreferenced, as AbortSignal.timeout's: each step's own timer keeps the process alive while it runs.
    bound: new Deadline(outer, journeyTimeoutMs, { ref: false }),
    deadline: Date.now() + journeyTimeoutMs,
    cleanupAfterAbortMs: opts.cleanupAfterAbortMs ?? 5_000,
  };
  const faults = new JourneyFaults(def.name);
  const wire = wireInstalled() ? new JourneyWire() : undefined;
  const shared = stepRunOf(def, opts, { open, ioForStep, faults, wire });
  opts.onEvent?.({ type: 'journey/start', journey: def.name });

  const progress: StepProgress = { results: [], running: undefined, abandoned: false };
  const warnings: string[] = [];
  const stalls = new JourneyStalls();
  const finish = async () => {
    try {
      await runSteps(def, opts, progress, clock, (s, deadline) => stalls.runStep(s, { ...shared, deadline }));
    } finally {
      clock.bound.close();
      const closed = await withDeadline(open.closeAll(), CLOSE_BOUND_MS, () => undefined);
      if (closed === undefined) warnings.push(`the journey's connections did not close within ${CLOSE_BOUND_MS} ms`);
      else warnings.push(...closeWarnings(closed));
      // What the journey's code left open (a client never closed, a cleanup abandoned) ends with the journey run.
      wire?.destroyLeftovers();
    }
  };
  // A referenced timer: whatever the journey's code or its libraries leave pending, the run ends here with a result.
  const graceMs = Math.max(0, clock.deadline + JOURNEY_GRACE_MS - Date.now());
  const ended = await withDeadline(
    finish().then(() => true),
    graceMs,
    () => false,
  );
  if (!ended) {
    progress.abandoned = true;
    clock.bound.close();
    const abandoned = abandonSteps(def, opts, progress, () => {
      // Not awaited: a closer may be what hangs; the ones that can still close do.
      void open.closeAll();
      wire?.destroyLeftovers();
    });
    warnings.push(abandoned);
  }
  const result = journeyResult(def, opts, { steps: progress.results, warnings, startedAt, t0 });
  opts.onEvent?.({ type: 'journey/end', result });
  return result;
}

/** What every step of one journey run is run with, apart from its deadline. */
function stepRunOf(
  def: JourneyDefinition,
  opts: JourneyRunOptions,
  held: { open: OpenResources; ioForStep: StepRun['ioForStep']; faults: JourneyFaults; wire: JourneyWire | undefined },
): Omit<StepRun, 'deadline'> {
  return {
    runId: opts.runId,
    targets: opts.targets,
    secrets: opts.secrets,
    variables: opts.variables,
    redactor: opts.redactor,
    userAgent: opts.userAgent,
    maxBodyBytes: opts.maxBodyBytes,
    journey: def.name,
    journeyMapError: def.mapError,
    vars: makeVars(),
    resources: held.open.resources,
    traceId: randomHexId(16),
    setCurrent: held.open.setCurrent,
    ioForStep: held.ioForStep,
    probeScope: held.faults.probeScope,
    wire: held.wire,
    reach: opts.reach,
    onFault: held.faults.onFault,
  };
}

/** The journey's deadline as its steps see it: cancellation from outside, the bound itself and its epoch ms. */
interface JourneyClock {
  outer: AbortSource;
  bound: Deadline;
  deadline: number;
  /** Cleanup steps still run after an abort, but no longer than this. */
  cleanupAfterAbortMs: number;
}

/** Where a journey's steps are: the results so far and the step running now. */
interface StepProgress {
  readonly results: StepResult[];
  running: { s: StepDefinition; startedAt: Date; timeoutMs: number } | undefined;
  /** Set when the grace ran out: the steps still to come are not started, whatever the abandoned one does later. */
  abandoned: boolean;
}

/** The steps in order; after a failed step, or past `--until`, only the cleanup (`always`) steps run. */
async function runSteps(
  def: JourneyDefinition,
  opts: JourneyRunOptions,
  progress: StepProgress,
  clock: JourneyClock,
  run: (s: StepDefinition, deadline: StepDeadline) => Promise<StepResult>,
): Promise<void> {
  let firstFailure: string | undefined;
  let stoppedAfter: string | undefined;
  for (const s of def.steps) {
    if (progress.abandoned) return;
    if (firstFailure !== undefined && !s.always) {
      progress.results.push(skippedResult(s, `not run: step ${firstFailure} failed`));
      continue;
    }
    if (stoppedAfter !== undefined && !s.always) {
      progress.results.push(skippedResult(s, `not run: --until ${stoppedAfter}`));
      continue;
    }
    opts.onEvent?.({ type: 'step/start', journey: def.name, step: s.name });
    const override = opts.steps?.[s.name];
    const timeoutMs = override?.timeoutMs ?? s.timeoutMs;
    progress.running = { s, startedAt: new Date(), timeoutMs };
    const result = await run(s, {
      timeoutMs,
      budgetMs: override?.budgetMs ?? s.budgetMs,
      // Cleanup must run even after the journey deadline, so it gets its own bounded signal.
      parent: s.always ? cleanupSignal(clock.outer, clock.cleanupAfterAbortMs) : clock.bound,
      parentDeadline: s.always ? Number.POSITIVE_INFINITY : clock.deadline,
      journeyTimeout: s.always ? undefined : clock.bound.timedOut,
      outer: clock.outer,
    });
    progress.running = undefined;
    if (progress.abandoned) return;
    progress.results.push(result);
    opts.onEvent?.({ type: 'step/end', journey: def.name, result });
    if ((result.status === 'fail' || result.status === 'error') && !s.always) firstFailure ??= s.name;
    if (s.name === opts.untilStep) stoppedAfter = s.name;
  }
}

/**
 * The grace ran out: the step still running is recorded as ended, what the journey holds is released, and the steps
 * never started are recorded as not run. Returns the journey's warning.
 */
function abandonSteps(
  def: JourneyDefinition,
  opts: JourneyRunOptions,
  progress: StepProgress,
  release: () => void,
): string {
  const { results, running } = progress;
  if (running !== undefined) {
    const result = unendedStep(running.s, running.startedAt, running.timeoutMs, JOURNEY_GRACE_MS);
    results.push(result);
    opts.onEvent?.({ type: 'step/end', journey: def.name, result });
  }
  release();
  for (const s of def.steps.slice(results.length))
    results.push(skippedResult(s, `not run: the journey did not end within its deadline plus ${JOURNEY_GRACE_MS} ms`));
  return `the journey run did not end within its deadline plus ${JOURNEY_GRACE_MS} ms and was recorded as ended`;
}

/** The attempt's result: its status and verdict from its steps and duration, against the journey's budget. */
function journeyResult(
  def: JourneyDefinition,
  opts: JourneyRunOptions,
  run: { steps: readonly StepResult[]; warnings: string[]; startedAt: Date; t0: number },
): JourneyResult {
  const durationMs = performance.now() - run.t0;
  const budgetMs = opts.budgetMs ?? def.budgetMs;
  const outcome = deriveJourneyOutcome({ capability: def.capability, steps: run.steps, durationMs, budgetMs });
  return {
    journey: def.name,
    description: def.description,
    status: outcome.status,
    startedAt: run.startedAt.toISOString(),
    durationMs: round(durationMs),
    ...(budgetMs === undefined ? {} : { budgetMs }),
    verdict: outcome.verdict,
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    steps: run.steps.slice(),
    ...(run.warnings.length === 0 ? {} : { warnings: run.warnings }),
  };
}

function cleanupSignal(outer: AbortSource, boundMs: number): AbortSource {
  if (!outer.aborted) return NEVER_ABORTS;
  return AbortSignal.timeout(boundMs);
}
