import type { Category, JourneyResult, JourneyStatus, RunResult } from '../../src/journey/result-schema.js';
import { summarizeRun } from '../../src/journey/derive-verdict.js';
import type { JourneyRun } from '../../src/alert/policy.js';

export type Outcome = 'F' | 'S' | 'D' | 'E' | 'A';

const STATUS: Record<Outcome, JourneyStatus> = { F: 'fail', S: 'pass', D: 'degraded', E: 'error', A: 'error' };

/** A journey result as the runner would report it; only the fields the policy reads vary. */
export function journeyResult(
  outcome: Outcome,
  at: Date,
  opts: { journey?: string; step?: string; service?: string; category?: Category } = {},
): JourneyResult {
  const status = STATUS[outcome];
  const category: Category =
    outcome === 'E' ? 'prober' : outcome === 'A' ? 'aborted' : (opts.category ?? 'http_status');
  const step = opts.step ?? 'auth.token';
  const failure =
    status === 'fail' || status === 'error'
      ? { step, service: opts.service ?? 'auth', category, message: `${step} failed (${category})` }
      : undefined;
  return {
    journey: opts.journey ?? 'golden-path-api',
    description: 'Log in and chat',
    status,
    startedAt: at.toISOString(),
    durationMs: 10,
    verdict:
      status === 'pass' || status === 'degraded' ? 'Users can log in and chat' : `Users cannot log in: ${step} failed`,
    ...(failure === undefined ? {} : { failure }),
    steps: [],
  };
}

let seq = 0;
export function journeyRun(outcome: Outcome, at: Date, opts: Parameters<typeof journeyResult>[2] = {}): JourneyRun {
  return { runId: `run-${++seq}`, environment: 'staging', result: journeyResult(outcome, at, opts) };
}

export function runResult(outcome: Outcome, at: Date, opts: Parameters<typeof journeyResult>[2] = {}): RunResult {
  const j = journeyResult(outcome, at, opts);
  return {
    schema: 'prober.run/v1',
    runId: `run-${++seq}`,
    environment: 'staging',
    proberVersion: 'test',
    startedAt: j.startedAt,
    finishedAt: j.startedAt,
    durationMs: 10,
    ...summarizeRun([j]),
    journeys: [j],
  };
}
