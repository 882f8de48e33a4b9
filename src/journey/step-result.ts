import type { StepDefinition } from './define.js';
import type { StepResult } from './result-schema.js';
import type { StepOutcome } from './step-outcome.js';
import type { OpenStep, StepDeadline } from './step-scope.js';

/** Durations in results keep one decimal. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * The result of a step that ran: its outcome, timings, and the evidence its helpers recorded. Built by assignment in
 * the schema's key order rather than by spreading optional parts: every step of every run passes here.
 */
export function stepResult(
  s: StepDefinition,
  step: OpenStep,
  run: { traceId: string; deadline: Pick<StepDeadline, 'timeoutMs' | 'budgetMs'> },
  ended: { outcome: StepOutcome; durationMs: number; artifacts: string[] },
): StepResult {
  const { http, metrics } = step;
  const { status, skipReason, error } = ended.outcome;
  const result: StepResult = { name: s.name, service: s.service, status } as StepResult;
  if (skipReason !== undefined) result.skipReason = skipReason;
  if (error !== undefined) result.error = error;
  result.startedAt = step.startedAt.toISOString();
  result.durationMs = ended.durationMs;
  if (run.deadline.budgetMs !== undefined) result.budgetMs = run.deadline.budgetMs;
  result.timeoutMs = run.deadline.timeoutMs;
  if (s.always) result.always = true;
  if (s.location !== undefined) result.location = s.location;
  const evidence: NonNullable<StepResult['evidence']> = { traceId: run.traceId, spanId: step.spanId };
  const requestIds: string[] = [];
  for (const h of http) if (h.requestId !== undefined) requestIds.push(h.requestId);
  if (requestIds.length > 0) evidence.requestIds = requestIds;
  if (http.length > 0) evidence.http = http;
  for (const _ in metrics) {
    evidence.metrics = metrics;
    break;
  }
  result.evidence = evidence;
  if (ended.artifacts.length > 0) result.artifacts = ended.artifacts;
  return result;
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
