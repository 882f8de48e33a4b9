import type { Failure, JourneyResult, JourneyStatus, StepResult, Summary } from './result-schema.js';

export interface JourneyOutcome {
  status: JourneyStatus;
  verdict: string;
  failure?: Failure;
}

export interface OutcomeInput {
  /** What users can do when the journey passes, e.g. "log in and chat". */
  capability: string;
  steps: readonly StepResult[];
  durationMs: number;
  budgetMs?: number | undefined;
}

/**
 * The only place a journey's status, verdict sentence and failure are decided, all from the step list,
 * so they cannot disagree ("validation FAILED - 0 services failed" is unrepresentable).
 * Cleanup (`always`) steps are reported but never change the verdict.
 */
export function deriveJourneyOutcome({ capability, steps, durationMs, budgetMs }: OutcomeInput): JourneyOutcome {
  const judged = steps.filter((s) => s.always !== true);
  const first = judged.find((s) => s.status === 'fail' || s.status === 'error');
  if (first !== undefined) {
    const category = first.error?.category ?? (first.status === 'error' ? 'prober' : 'assertion');
    const message = first.error?.message ?? 'failed without an error message';
    const failure: Failure = { step: first.name, service: first.service, category, message };
    if (first.status === 'error') {
      return {
        status: 'error',
        failure,
        verdict: `Could not judge whether users can ${capability}: the prober failed in step ${first.name} (${category}): ${message}`,
      };
    }
    return {
      status: 'fail',
      failure,
      verdict: `Users cannot ${capability}: ${first.service} step ${first.name} failed (${category}): ${message}`,
    };
  }
  const slow = judged.find((s) => s.status === 'degraded');
  if (slow !== undefined) {
    return {
      status: 'degraded',
      verdict: `Users can ${capability}, but slowly: step ${slow.name} took ${Math.round(slow.durationMs)} ms (budget ${slow.budgetMs ?? '?'} ms)`,
    };
  }
  if (budgetMs !== undefined && durationMs > budgetMs) {
    return {
      status: 'degraded',
      verdict: `Users can ${capability}, but slowly: the journey took ${Math.round(durationMs)} ms (budget ${budgetMs} ms)`,
    };
  }
  return { status: 'pass', verdict: `Users can ${capability}` };
}

export interface RunOutcome {
  status: JourneyStatus;
  summary: Summary;
}

/**
 * Run status from the journeys. A demonstrated failure outranks "could not judge": if one journey proved users
 * cannot chat, that is the headline even when another journey's prober broke. Flaky (passed only on a retry)
 * outranks degraded. No journeys at all is `error`.
 */
export function summarizeRun(journeys: readonly Pick<JourneyResult, 'status'>[]): RunOutcome {
  const count = (s: JourneyStatus) => journeys.filter((j) => j.status === s).length;
  const summary: Summary = {
    journeys: journeys.length,
    passed: count('pass'),
    degraded: count('degraded'),
    flaky: count('flaky'),
    failed: count('fail'),
    errored: count('error'),
  };
  const status: JourneyStatus =
    summary.failed > 0
      ? 'fail'
      : summary.errored > 0 || journeys.length === 0
        ? 'error'
        : summary.flaky > 0
          ? 'flaky'
          : summary.degraded > 0
            ? 'degraded'
            : 'pass';
  return { status, summary };
}
