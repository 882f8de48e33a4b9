import type { StepDefinition } from './define.js';
import { CLEANUP_ABANDONED } from './map-error.js';
import type { StepResult } from './result-schema.js';
import { round } from './step-result.js';

/**
 * How long a journey run may go on past its deadline: its cleanup (`always`) steps and its deferred cleanups
 * (`ctx.defer`, each bounded at 5 s) run in this time. At the deadline plus this grace the run is recorded as
 * ended, whatever its code or a library still holds open, so `prober run` always writes its reports and a
 * scheduled journey never blocks the next tick. Documented in docs/bring-your-own-client.md.
 */
export const JOURNEY_GRACE_MS = 10_000;

/** How long the closing of a journey's resources (connections, deferred cleanups) may take as a whole. */
export const CLOSE_BOUND_MS = 6_000;

/** The result of the step that was still running when the journey's grace ran out. */
export function unendedStep(s: StepDefinition, startedAt: Date, timeoutMs: number, graceMs: number): StepResult {
  const durationMs = round(Date.now() - startedAt.getTime());
  return {
    name: s.name,
    service: s.service,
    status: 'fail',
    error: {
      category: 'timeout',
      message: `the step did not end within the journey's deadline plus its ${graceMs} ms grace; recorded as ended, its connections destroyed`,
    },
    startedAt: startedAt.toISOString(),
    durationMs,
    ...(s.budgetMs === undefined ? {} : { budgetMs: s.budgetMs }),
    timeoutMs,
    ...(s.always ? { always: true } : {}),
    ...(s.location === undefined ? {} : { location: s.location }),
  };
}

/** One warning per deferred cleanup that was abandoned at its bound, from the settled closers of a journey. */
export function closeWarnings(settled: readonly PromiseSettledResult<unknown>[]): string[] {
  const warnings: string[] = [];
  for (const s of settled) {
    if (s.status !== 'rejected') continue;
    const reason = s.reason as { code?: unknown; message?: unknown } | undefined;
    if (reason?.code === CLEANUP_ABANDONED && typeof reason.message === 'string') warnings.push(reason.message);
  }
  return warnings;
}
