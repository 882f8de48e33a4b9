import type { StepDefinition } from './define.js';
import type { StepResult } from './result-schema.js';
import type { StepOutcome } from './step-outcome.js';
import type { OpenStep } from './step-scope.js';

/** Durations in results keep one decimal. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The result of a step that ran: its outcome, timings, and the evidence its helpers recorded. */
export function stepResult(
  s: StepDefinition,
  step: OpenStep,
  run: { traceId: string; timeoutMs: number; budgetMs: number | undefined },
  ended: { outcome: StepOutcome; durationMs: number; artifacts: string[] },
): StepResult {
  const { http, metrics } = step;
  const requestIds = http.flatMap((h) => (h.requestId === undefined ? [] : [h.requestId]));
  return {
    name: s.name,
    service: s.service,
    ...ended.outcome,
    startedAt: step.startedAt.toISOString(),
    durationMs: ended.durationMs,
    ...(run.budgetMs === undefined ? {} : { budgetMs: run.budgetMs }),
    timeoutMs: run.timeoutMs,
    ...(s.always ? { always: true } : {}),
    ...(s.location === undefined ? {} : { location: s.location }),
    evidence: {
      traceId: run.traceId,
      spanId: step.spanId,
      ...(requestIds.length > 0 ? { requestIds } : {}),
      ...(http.length > 0 ? { http } : {}),
      ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    },
    ...(ended.artifacts.length > 0 ? { artifacts: ended.artifacts } : {}),
  };
}

/** A step that never ran is recorded as `skipped` with the reason, never left out. */
export function skippedResult(s: StepDefinition, reason: string): StepResult {
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
