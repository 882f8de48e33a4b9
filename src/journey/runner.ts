import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redactor } from '../redact.js';
import type { HttpEvidence, JourneyResult, StepResult } from './result-schema.js';
import type { JourneyDefinition, StepContext, StepDefinition } from './define.js';
import { withClients, type JourneyResources, type StepIo, type StepIoFactory, type StepScope } from './step-ports.js';
import { classifyFailure } from './classify-failure.js';
import { runInProbeScope, type ProbeScope } from './containment.js';
import { deriveJourneyOutcome } from './derive-verdict.js';
import { StepFailure, StepSkipped, isStepSkipped } from './errors.js';
import { boundedCleanup, judgeStepError } from './map-error.js';
import { makeVars } from './vars.js';
import { suggestName } from './nearest-name.js';

/** How long one `ctx.defer` cleanup may take at journey end. */
const DEFER_BOUND_MS = 5_000;

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
}

export type RunEvent =
  | { type: 'journey/start'; journey: string }
  | { type: 'step/start'; journey: string; step: string }
  | { type: 'step/end'; journey: string; result: StepResult }
  | { type: 'journey/end'; result: JourneyResult };

export async function runJourney(def: JourneyDefinition, opts: JourneyRunOptions): Promise<JourneyResult> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = () => Promise.allSettled(closers.reverse().map(async (close) => close()));
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
  const ioForStep = await Promise.resolve(opts.io(resources, { runId: opts.runId, journey: def.name })).catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  const startedAt = new Date();
  const t0 = performance.now();
  const traceId = randomBytes(16).toString('hex');
  const outer = opts.signal ?? new AbortController().signal;
  const journeyTimeoutMs = opts.timeoutMs ?? def.timeoutMs;
  const journeyTimeout = AbortSignal.timeout(journeyTimeoutMs);
  const journeySignal = AbortSignal.any([outer, journeyTimeout]);
  const journeyDeadline = Date.now() + journeyTimeoutMs;
  const vars = makeVars();
  // Faults of this journey's code (an unhandled rejection, a throw from a timer, process.exit) end its running
  // step as a prober error; one arriving between steps fails the next step, so it is never lost.
  let faultStep: ((message: string) => void) | undefined;
  let pendingFault: string | undefined;
  const probeScope: ProbeScope = {
    owner: `journey ${def.name}`,
    journey: def.name,
    fault: (message) => {
      if (faultStep === undefined) pendingFault ??= message;
      else faultStep(message);
    },
  };
  opts.onEvent?.({ type: 'journey/start', journey: def.name });

  const results: StepResult[] = [];
  let firstFailure: string | undefined;
  let stoppedAfter: string | undefined;
  try {
    for (const s of def.steps) {
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
      const result = await runStep(s, {
        opts,
        def,
        vars,
        resources,
        traceId,
        setCurrent: (scope) => (current = scope),
        ioForStep,
        timeoutMs: override?.timeoutMs ?? s.timeoutMs,
        budgetMs: override?.budgetMs ?? s.budgetMs,
        // Cleanup must run even after the journey deadline, so it gets its own bounded signal.
        parent: s.always ? cleanupSignal(outer, opts.cleanupAfterAbortMs ?? 5_000) : journeySignal,
        parentDeadline: s.always ? Number.POSITIVE_INFINITY : journeyDeadline,
        journeyTimeout: s.always ? undefined : journeyTimeout,
        outer,
        probeScope,
        onFault: (fn) => {
          faultStep = fn;
          if (fn !== undefined && pendingFault !== undefined) fn(pendingFault);
          pendingFault = undefined;
        },
      });
      results.push(result);
      opts.onEvent?.({ type: 'step/end', journey: def.name, result });
      if ((result.status === 'fail' || result.status === 'error') && !s.always) firstFailure ??= s.name;
      if (s.name === opts.untilStep) stoppedAfter = s.name;
    }
  } finally {
    await closeAll();
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
    steps: results,
  };
  opts.onEvent?.({ type: 'journey/end', result });
  return result;
}

interface StepRun {
  opts: JourneyRunOptions;
  def: JourneyDefinition;
  vars: StepContext['vars'];
  resources: JourneyResources;
  traceId: string;
  setCurrent: (scope: StepScope) => void;
  ioForStep: (scope: StepScope) => StepIo;
  timeoutMs: number;
  budgetMs: number | undefined;
  parent: AbortSignal;
  parentDeadline: number;
  journeyTimeout: AbortSignal | undefined;
  outer: AbortSignal;
  probeScope: ProbeScope;
  /** Where this journey's probe faults go while the step runs (undefined once it ended). */
  onFault: (fail: ((message: string) => void) | undefined) => void;
}

async function runStep(s: StepDefinition, run: StepRun): Promise<StepResult> {
  const { opts } = run;
  const startedAt = new Date();
  const t0 = performance.now();
  const stepTimeout = AbortSignal.timeout(run.timeoutMs);
  const signal = AbortSignal.any([run.parent, stepTimeout]);
  const startMs = Date.now();
  const deadline = Math.min(startMs + run.timeoutMs, run.parentDeadline);
  // What "timed out after N ms" reports: the step's own timeout, or what was left of the journey's.
  const effectiveTimeout = Math.max(0, deadline - startMs);
  const http: HttpEvidence[] = [];
  const metrics: Record<string, number> = {};
  // The step's span id: the parent of every request it sends (traceparent), and of the step span OTLP export sends.
  const spanId = randomBytes(8).toString('hex');
  const scope: StepScope = {
    signal,
    deadline,
    maxBodyBytes: opts.maxBodyBytes,
    tagHeaders: () => ({
      'user-agent': opts.userAgent,
      'x-synthetic-probe': opts.runId,
      traceparent: `00-${run.traceId}-${spanId}-01`,
    }),
    recordHttp: (e) => http.push(e),
    markSecret: (v) => opts.redactor.add(v),
  };
  run.setCurrent(scope);
  const io = run.ioForStep(scope);
  const ctx: StepContext = withClients<Omit<StepContext, keyof StepIo>>({
    runId: opts.runId,
    journey: run.def.name,
    step: s.name,
    signal,
    deadline,
    tagHeaders: scope.tagHeaders,
    defer: (cleanup) => run.resources.onClose(boundedCleanup(cleanup, DEFER_BOUND_MS)),
    vars: run.vars,
    target: (name) => lookup(opts.targets, name, 'target').replace(/\/+$/, ''),
    secret: (name) => lookup(opts.secrets, name, 'secret'),
    variable: (name) => lookup(opts.variables, name, 'variable'),
    markSecret: scope.markSecret,
    record: (metric, value) => {
      metrics[metric] = round(value);
    },
    elapsedMs: () => performance.now() - t0,
    skip: (reason) => {
      throw new StepSkipped(reason);
    },
    fail: (category, message) => {
      throw new StepFailure(category, message);
    },
  }, io);

  let outcome: Pick<StepResult, 'status' | 'error' | 'skipReason'>;
  let failWithFault: (err: StepFailure) => void = () => undefined;
  const faulted = new Promise<never>((_, reject) => (failWithFault = reject));
  faulted.catch(() => undefined); // settles the race below, or nobody is waiting any more
  run.onFault((message) => failWithFault(new StepFailure('prober', message)));
  // Unref'd deadline timers alone would let Node exit (code 13) under a step that awaits a promise with no I/O
  // behind it; this one keeps the process alive until the deadline can report the timeout.
  const keepAlive = setTimeout(() => undefined, Math.max(0, deadline - Date.now()) + 1_000);
  try {
    const work = runInProbeScope(run.probeScope, () => Promise.resolve().then(() => s.run(ctx)));
    await untilAborted(Promise.race([work, faulted]), signal);
    const durationMs = performance.now() - t0;
    outcome = { status: run.budgetMs !== undefined && durationMs > run.budgetMs ? 'degraded' : 'pass' };
  } catch (err) {
    if (isStepSkipped(err)) {
      outcome = { status: 'skipped', skipReason: err.message };
    } else {
      // Read before the step kind explains the error: its explanation must not turn a late error into a timeout.
      const deadlineExceeded = stepTimeout.aborted || run.journeyTimeout?.aborted === true;
      const aborted = run.outer.aborted;
      const explained = deadlineExceeded || aborted ? err : await judgeStepError(io.explainFailure === undefined ? err : await io.explainFailure(err), {
        mappers: [s.mapError, run.def.mapError],
        serviceUrl: opts.targets[s.service],
        service: s.service,
      });
      const c = classifyFailure(explained, { deadlineExceeded, aborted, timeoutMs: effectiveTimeout });
      outcome = {
        status: c.status,
        error: { category: c.category, message: c.message, ...(c.httpStatus === undefined ? {} : { httpStatus: c.httpStatus }) },
      };
    }
  } finally {
    clearTimeout(keepAlive);
    run.onFault(undefined);
  }
  // Measured before evidence is collected: a screenshot's time is not the service's latency.
  const durationMs = round(performance.now() - t0);
  const failed = outcome.status === 'fail' || outcome.status === 'error';
  const artifacts = io.collectArtifacts === undefined ? [] : await io.collectArtifacts(s.name, { failed }).catch(() => []);
  const requestIds = http.flatMap((h) => (h.requestId === undefined ? [] : [h.requestId]));
  return {
    name: s.name,
    service: s.service,
    ...outcome,
    startedAt: startedAt.toISOString(),
    durationMs,
    ...(run.budgetMs === undefined ? {} : { budgetMs: run.budgetMs }),
    timeoutMs: run.timeoutMs,
    ...(s.always ? { always: true } : {}),
    ...(s.location === undefined ? {} : { location: s.location }),
    evidence: {
      traceId: run.traceId,
      spanId,
      ...(requestIds.length > 0 ? { requestIds } : {}),
      ...(http.length > 0 ? { http } : {}),
      ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    },
    ...(artifacts.length > 0 ? { artifacts } : {}),
  };
}

function skippedResult(s: StepDefinition, reason: string): StepResult {
  return {
    name: s.name,
    service: s.service,
    status: 'skipped',
    skipReason: reason,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    ...(s.budgetMs === undefined ? {} : { budgetMs: s.budgetMs }),
    timeoutMs: s.timeoutMs,
    ...(s.location === undefined ? {} : { location: s.location }),
  };
}

/** A probe that ignores its signal must still not outlive its deadline. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // Already aborted (a signal during the browser launch): the step body was started anyway, and its rejection
  // (Playwright's "operation was aborted") must be observed here, or Node ends the process with exit 1.
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function cleanupSignal(outer: AbortSignal, boundMs: number): AbortSignal {
  if (!outer.aborted) return new AbortController().signal;
  return AbortSignal.timeout(boundMs);
}

function lookup(map: Readonly<Record<string, string>>, name: string, kind: string): string {
  const value = map[name];
  if (value === undefined) {
    throw new StepFailure('prober', `the probe asked for ${kind} "${name}", which the config does not define${suggestName(name, Object.keys(map))}`);
  }
  return value;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
