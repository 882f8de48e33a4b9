import type { JourneyDefinition } from '../journey/define.js';
import { deriveJourneyOutcome, summarizeRun } from '../journey/derive-verdict.js';
import { RUN_SCHEMA, type JourneyResult, type RunResult, type StepResult } from '../journey/result-schema.js';
import type { InFlightRun } from '../store/state-store.js';
import { PROBER_VERSION } from '../version.js';

const MESSAGE = 'the prober process ended during this run (killed or crashed); recorded when the daemon started again';

/**
 * A run whose process died (SIGKILL, OOM) left only its in-flight marker. It is recorded as what it was, an
 * `error` / `aborted` run at the step it had reached, so history has no hole and alerting does not count it.
 */
export function interruptedRunResult(
  marker: InFlightRun,
  def: JourneyDefinition | undefined,
  now: Date = new Date(),
  // The loop quarantine knows why the process ended: a probe blocked it (`prober`), not a kill.
  error: { category: 'aborted' | 'prober'; message: string } = { category: 'aborted', message: MESSAGE },
): RunResult {
  const first = def?.steps[0];
  const step =
    marker.step ??
    (first === undefined ? undefined : { name: first.name, service: first.service, timeoutMs: first.timeoutMs });
  const stepResult: StepResult = {
    name: step?.name ?? '(start)',
    service: step?.service ?? 'prober',
    status: 'error',
    startedAt: marker.startedAt,
    durationMs: 0,
    timeoutMs: Math.max(1, step?.timeoutMs ?? 1),
    error,
  };
  const outcome = deriveJourneyOutcome({
    capability: def?.capability ?? 'complete this journey',
    steps: [stepResult],
    durationMs: 0,
  });
  const journey: JourneyResult = {
    journey: marker.journey,
    description: def?.description ?? marker.journey,
    status: outcome.status,
    startedAt: marker.startedAt,
    durationMs: 0,
    verdict: outcome.verdict,
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    steps: [stepResult],
  };
  const { status, summary } = summarizeRun([journey]);
  return {
    schema: RUN_SCHEMA,
    runId: marker.runId,
    environment: marker.environment,
    proberVersion: PROBER_VERSION,
    startedAt: marker.startedAt,
    // The true end is unknown; the start is the honest lower bound (the duration stays 0, not a guess).
    // biome-ignore lint/complexity/useMathMinMax: these are ISO strings, which Math.min would turn into NaN.
    finishedAt: marker.startedAt < now.toISOString() ? marker.startedAt : now.toISOString(),
    durationMs: 0,
    status,
    summary,
    journeys: [journey],
  };
}
