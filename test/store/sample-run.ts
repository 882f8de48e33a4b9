import { randomBytes, randomUUID } from 'node:crypto';
import { summarizeRun } from '../../src/journey/derive-verdict.js';
import type { Category, JourneyStatus, RunResult, StepResult } from '../../src/journey/result-schema.js';

export interface SampleOptions {
  journey?: string;
  status?: JourneyStatus;
  startedAt?: Date;
  /** Step durations in ms, in order; default two steps of 10 and 20 ms. */
  steps?: [name: string, ms: number][];
  category?: Category;
}

/** A valid `prober.run/v1` document with one journey, built directly so store tests need no servers. */
export function sampleRun(options: SampleOptions = {}): RunResult {
  const status = options.status ?? 'pass';
  const startedAt = options.startedAt ?? new Date();
  const traceId = randomBytes(16).toString('hex');
  const stepsIn = options.steps ?? [
    ['auth.token', 10],
    ['chat.reply', 20],
  ];
  const failing = status === 'fail' || status === 'error' ? stepsIn.length - 1 : -1;
  const category: Category = options.category ?? (status === 'error' ? 'aborted' : 'timeout');
  const steps: StepResult[] = stepsIn.map(([name, ms], i) => ({
    name,
    service: i === 0 ? 'auth' : 'backend',
    status:
      i === failing ? (status === 'error' ? 'error' : 'fail') : status === 'degraded' && i === 0 ? 'degraded' : 'pass',
    startedAt: startedAt.toISOString(),
    durationMs: ms,
    timeoutMs: 5_000,
    ...(i === failing ? { error: { category, message: `step ${name} failed` } } : {}),
    evidence: { traceId },
  }));
  const durationMs = stepsIn.reduce((sum, [, ms]) => sum + ms, 0);
  const journey = options.journey ?? 'golden-path-api';
  const failure =
    failing >= 0
      ? { step: stepsIn[failing]![0], service: 'backend', category, message: `step ${stepsIn[failing]![0]} failed` }
      : undefined;
  const journeys = [
    {
      journey,
      description: 'a sample journey',
      status,
      startedAt: startedAt.toISOString(),
      durationMs,
      verdict: status === 'pass' ? 'Users can log in and chat' : `Users cannot log in and chat (${status})`,
      ...(failure === undefined ? {} : { failure }),
      steps,
    },
  ];
  const { summary } = summarizeRun(journeys);
  return {
    schema: 'prober.run/v1',
    runId: randomUUID(),
    environment: 'test',
    proberVersion: '0.0.0-test',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + durationMs).toISOString(),
    durationMs,
    status,
    summary,
    journeys,
  };
}
