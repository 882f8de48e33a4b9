import type { JourneyDefinition } from '../journey/define.js';
import { deriveJourneyOutcome, summarizeRun } from '../journey/derive-verdict.js';
import {
  RUN_SCHEMA,
  type Category,
  type JourneyResult,
  type RunResult,
  type StepResult,
} from '../journey/result-schema.js';
import { PROBER_VERSION } from '../version.js';

export interface Unfinished {
  runId: string;
  environment: string;
  startedAt: Date;
  category: Extract<Category, 'aborted' | 'prober'>;
  message: string;
  versions?: Record<string, string | null> | undefined;
}

/**
 * A run that ended before the runner could produce its result (a signal during the browser launch or the first
 * navigation, a crash in the run's set-up) is still a result: every selected journey is `error` at its first step,
 * with the category saying why, so it is reported, stored and (being `error`) never counted against the environment.
 */
export function unfinishedRunResult(
  journeys: readonly JourneyDefinition[],
  u: Unfinished,
  now: Date = new Date(),
): RunResult {
  const startedAt = u.startedAt.toISOString();
  const durationMs = Math.max(0, now.getTime() - u.startedAt.getTime());
  const results: JourneyResult[] = journeys.map((def) => {
    const first = def.steps[0];
    const step: StepResult = {
      name: first?.name ?? '(start)',
      service: first?.service ?? 'prober',
      status: 'error',
      startedAt,
      durationMs,
      timeoutMs: Math.max(1, first?.timeoutMs ?? 1),
      error: { category: u.category, message: u.message },
    };
    const outcome = deriveJourneyOutcome({ capability: def.capability, steps: [step], durationMs });
    return {
      journey: def.name,
      description: def.description,
      status: outcome.status,
      startedAt,
      durationMs,
      verdict: outcome.verdict,
      ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
      steps: [step],
    };
  });
  const { status, summary } = summarizeRun(results);
  return {
    schema: RUN_SCHEMA,
    runId: u.runId,
    environment: u.environment,
    proberVersion: PROBER_VERSION,
    startedAt,
    finishedAt: now.toISOString(),
    durationMs,
    status,
    summary,
    ...(u.versions === undefined ? {} : { versions: u.versions }),
    journeys: results,
  };
}
