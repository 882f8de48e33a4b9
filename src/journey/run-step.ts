import type { ErrorMapper } from './map-error.js';
import type { Redactor } from '../redact.js';
import type { StepResult } from './result-schema.js';
import type { StepDefinition, Vars } from './define.js';
import type { JourneyResources, StepIo, StepScope } from './step-ports.js';
import { ProbeFault, runInProbeScope, type ProbeScope } from './containment.js';
import { StepFailure } from './errors.js';
import { makeStepContext } from './step-context.js';
import { passedOutcome, thrownOutcome, type StepOutcome } from './step-outcome.js';
import { round, stepResult } from './step-result.js';
import { openStep, type StepDeadline } from './step-scope.js';
import type { SocketEvidence } from './result-schema.js';
import { secretHint } from './secret-hint.js';
import type { ReachabilityCheck } from './reachability.js';
import { StepWire, type JourneyWire } from '../wire/step-wire.js';
import { explainDeadlineFromWire } from '../wire/explain-from-wire.js';

/** Everything one step run gets from its journey run. */
export interface StepRun {
  runId: string;
  journey: string;
  journeyMapError: ErrorMapper | undefined;
  targets: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
  variables: Readonly<Record<string, string>>;
  redactor: Redactor;
  userAgent: string;
  maxBodyBytes: number;
  vars: Vars;
  resources: JourneyResources;
  traceId: string;
  setCurrent: (scope: StepScope) => void;
  ioForStep: (scope: StepScope) => StepIo;
  /** When the step must end and what can end it (step-scope.ts). */
  deadline: StepDeadline;
  probeScope: ProbeScope;
  /** The journey run's wire record, when the wire is observed (the CLI and the daemon). */
  wire: JourneyWire | undefined;
  /** Checks a step's service when nothing else explains its error (the TCP connect of src/steps/). */
  reach: ReachabilityCheck | undefined;
  /** Where this journey's probe faults go while the step runs (undefined once it ended). */
  onFault: (fail: ((message: string, thrown?: unknown) => void) | undefined) => void;
}

/**
 * Runs one step: opens its scope (step-scope.ts), builds its `ctx` (step-context.ts), runs the body until it
 * settles, faults or hits its deadline, classifies how it ended (step-outcome.ts) and assembles the result
 * (step-result.ts).
 */
export async function runStep(s: StepDefinition, run: StepRun): Promise<StepResult> {
  const step = openStep(run);
  run.setCurrent(step.scope);
  const io = run.ioForStep(step.scope);
  const ctx = makeStepContext(s, step, io, run);
  const wire = run.wire === undefined ? undefined : new StepWire(run.wire);
  if (wire !== undefined) run.wire!.current = wire;
  let outcome: StepOutcome;
  let sockets: SocketEvidence[] | undefined;
  try {
    await settleBody(
      () => s.run(ctx),
      wire === undefined ? run.probeScope : { ...run.probeScope, wire },
      step.scope,
      run,
    );
    outcome = passedOutcome(step.elapsedMs(), run.deadline.budgetMs);
  } catch (err) {
    // At the deadline the signal has aborted; then whatever the step still holds open is destroyed, and recorded.
    if (step.scope.abort.aborted) wire?.destroyOpen();
    const seen = wire?.snapshot();
    sockets = seen?.sockets;
    const lostWire =
      seen === undefined || !(step.stepTimeout.aborted || run.deadline.journeyTimeout?.aborted === true)
        ? undefined
        : explainDeadlineFromWire(seen, step.effectiveTimeoutMs);
    outcome =
      lostWire === undefined || run.deadline.outer.aborted
        ? await thrownOutcome(s, err, { step, io, ...run, wire: seen })
        : { status: 'fail', error: { category: lostWire.category, message: lostWire.message } };
  } finally {
    step.close();
    run.onFault(undefined);
    if (wire !== undefined) {
      wire.ended = true;
      if (run.wire!.current === wire) run.wire!.current = undefined;
    }
  }
  // Measured before evidence is collected: a screenshot's time is not the service's latency.
  const durationMs = round(step.elapsedMs());
  const failed = outcome.status === 'fail' || outcome.status === 'error';
  const artifacts =
    io.collectArtifacts === undefined ? [] : await io.collectArtifacts(s.name, { failed }).catch(() => []);
  const result = stepResult(s, step, run, { outcome, durationMs, artifacts });
  const hint = secretHint(outcome, step.secretsRead);
  if (hint !== undefined && result.evidence !== undefined) result.evidence.notes = [hint];
  if (failed && sockets !== undefined && sockets.length > 0 && result.evidence !== undefined)
    result.evidence.sockets = sockets;
  return result;
}

/**
 * Waits for the step body inside the journey's probe scope; it rejects on the step's deadline (even when the body
 * ignores its signal) and on a fault of the journey's code (an unhandled rejection) while it runs. One promise
 * rather than a race of three: a step pays for this on every run of every journey.
 */
function settleBody(
  body: () => unknown,
  probeScope: ProbeScope,
  scope: StepScope,
  run: Pick<StepRun, 'onFault'>,
): Promise<void> {
  const signal = scope.abort;
  return new Promise<void>((resolve, reject) => {
    // Already aborted (a signal during the browser launch): the body is started anyway, and its rejection
    // (Playwright's "operation was aborted") is observed below, or Node would end the process with exit 1.
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    run.onFault((message, thrown) =>
      reject(thrown === undefined ? new StepFailure('prober', message) : new ProbeFault(message, thrown)),
    );
    const settled = () => signal.removeEventListener('abort', onAbort);
    let work: unknown;
    try {
      work = runInProbeScope(probeScope, body);
    } catch (err) {
      settled();
      reject(err);
      return;
    }
    // A probe that ignores its signal must still not outlive its deadline: whichever settles first wins.
    Promise.resolve(work).then(
      () => {
        settled();
        resolve();
      },
      (err: unknown) => {
        settled();
        reject(err);
      },
    );
  });
}
