import type { JourneyAttempt, JourneyResult } from './result-schema.js';

/**
 * Folds the attempts of a retried journey into one result. The last attempt's steps and verdict stand; if it
 * passed after an earlier failure the journey is `flaky` (a pass CI should not trust blindly), and every earlier
 * attempt is kept, so nothing a failure showed is lost. Pure, so it is tested as a table.
 */
export function combineAttempts(attempts: readonly JourneyResult[]): JourneyResult {
  const last = attempts.at(-1);
  if (last === undefined) throw new Error('combineAttempts needs at least one attempt');
  if (attempts.length === 1) return last;
  const earlier = attempts.slice(0, -1).map(toAttempt);
  const firstBad = earlier.find((a) => a.status === 'fail' || a.status === 'error');
  const recovered = (last.status === 'pass' || last.status === 'degraded') && firstBad !== undefined;
  const started = attempts[0]?.startedAt ?? last.startedAt;
  return {
    ...last,
    startedAt: started,
    durationMs: attempts.reduce((sum, a) => sum + a.durationMs, 0),
    ...(recovered
      ? {
          status: 'flaky' as const,
          verdict: `${last.verdict}, but only on attempt ${attempts.length} of ${attempts.length}: attempt ${earlier.indexOf(firstBad) + 1} ${describeFailure(firstBad)}`,
        }
      : {}),
    attempts: earlier,
  };
}

function toAttempt(r: JourneyResult): JourneyAttempt {
  return {
    status: r.status,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    verdict: r.verdict,
    ...(r.failure === undefined ? {} : { failure: r.failure }),
    steps: r.steps,
  };
}

function describeFailure(a: JourneyAttempt): string {
  const f = a.failure;
  return f === undefined ? 'failed' : `failed at ${f.service} step ${f.step} (${f.category}): ${f.message}`;
}
