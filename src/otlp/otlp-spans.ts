import { randomBytes } from 'node:crypto';
import type { JourneyAttempt, JourneyResult, RunResult, StepResult } from '../journey/result-schema.js';

/** One span as OTLP export sends it, in plain data (the adapter turns it into the SDK's ReadableSpan). */
export interface SpanRecord {
  name: string;
  kind: 'internal' | 'client';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  endMs: number;
  status: 'ok' | 'error' | 'unset';
  statusMessage?: string;
  attributes: Record<string, string | number | boolean>;
}

const randomSpanId = () => randomBytes(8).toString('hex');

/**
 * One span per journey run (each attempt of a retried journey is a run) and one child span per step, in the trace
 * whose id the prober sent in every request's `traceparent`, so the synthetic run sits above the backend's own
 * spans in Tempo or Jaeger. The step span id is the parent id those requests carried. Attributes carry status,
 * category and verdict: nothing from request bodies, and the result is already redacted when it gets here.
 */
export function spansFromRun(result: RunResult, newSpanId: () => string = randomSpanId): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (const j of result.journeys) {
    const runs: (JourneyAttempt & { attempt: number })[] = [
      ...(j.attempts ?? []).map((a, i) => ({ ...a, attempt: i + 1 })),
      { ...j, attempt: (j.attempts?.length ?? 0) + 1 },
    ];
    for (const run of runs) out.push(...journeySpans(result, j, run, newSpanId));
  }
  return out;
}

function journeySpans(
  result: RunResult,
  j: JourneyResult,
  run: JourneyAttempt & { attempt: number },
  newSpanId: () => string,
): SpanRecord[] {
  const traceId = run.steps.find((s) => s.evidence?.traceId !== undefined)?.evidence?.traceId;
  if (traceId === undefined) return [];
  const spanId = newSpanId();
  const startMs = Date.parse(run.startedAt);
  const failed = run.status === 'fail' || run.status === 'error';
  const journey: SpanRecord = {
    name: `journey ${j.journey}`,
    kind: 'internal',
    traceId,
    spanId,
    startMs,
    endMs: startMs + run.durationMs,
    status: failed ? 'error' : 'ok',
    ...(failed ? { statusMessage: run.verdict } : {}),
    attributes: {
      'prober.run_id': result.runId,
      'prober.environment': result.environment,
      ...(result.location === undefined ? {} : { 'prober.location': result.location }),
      'prober.journey': j.journey,
      'prober.status': run.status,
      'prober.verdict': run.verdict,
      'prober.attempt': run.attempt,
      ...(run.failure === undefined
        ? {}
        : {
            'prober.category': run.failure.category,
            'prober.failed_step': run.failure.step,
            'prober.failed_service': run.failure.service,
          }),
    },
  };
  return [journey, ...run.steps.map((s) => stepSpan(s, j.journey, traceId, spanId, newSpanId))];
}

function stepSpan(
  s: StepResult,
  journey: string,
  traceId: string,
  parentSpanId: string,
  newSpanId: () => string,
): SpanRecord {
  const startMs = Date.parse(s.startedAt);
  const failed = s.status === 'fail' || s.status === 'error';
  return {
    name: `step ${s.name}`,
    kind: 'client',
    traceId,
    spanId: s.evidence?.spanId ?? newSpanId(),
    parentSpanId,
    startMs,
    endMs: startMs + s.durationMs,
    status: failed ? 'error' : s.status === 'skipped' ? 'unset' : 'ok',
    ...(failed && s.error !== undefined ? { statusMessage: `${s.error.category}: ${s.error.message}` } : {}),
    attributes: {
      'prober.journey': journey,
      'prober.step': s.name,
      'prober.service': s.service,
      'prober.status': s.status,
      'prober.timeout_ms': s.timeoutMs,
      ...(s.budgetMs === undefined ? {} : { 'prober.budget_ms': s.budgetMs }),
      ...(s.always === true ? { 'prober.always': true } : {}),
      ...(s.location === undefined ? {} : { 'code.location': s.location }),
      ...(s.error === undefined ? {} : { 'prober.category': s.error.category, 'prober.error': s.error.message }),
      ...(s.error?.httpStatus === undefined ? {} : { 'http.response.status_code': s.error.httpStatus }),
      ...(s.skipReason === undefined ? {} : { 'prober.skip_reason': s.skipReason }),
    },
  };
}
