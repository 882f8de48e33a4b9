import type { JourneyDefinition } from '../journey/define.js';
import { cronIntervalMs, formatInterval } from './cron-interval.js';
import { formatPath, problem, warning, type Problem } from './problems.js';

/** What the schedule check reads: the parsed config's journey settings and the scheduler's start jitter. */
interface ScheduleInput {
  journeys: Record<
    string,
    {
      enabled?: boolean | undefined;
      schedule?: string | undefined;
      timeoutMs?: number | undefined;
      steps?: Record<string, { timeoutMs?: number | undefined }>;
    }
  >;
  scheduler: { maxRandomDelayMs: number };
}

/** The message when `timeoutMs` (+ jitter) does not fit in the schedule's interval, else undefined. */
export function scheduleBudgetProblem(schedule: string, timeoutMs: number, jitterMs: number): string | undefined {
  const interval = cronIntervalMs(schedule);
  if (interval === undefined || timeoutMs + jitterMs < interval) return undefined;
  const jitter = jitterMs > 0 ? ` + ${jitterMs} ms start jitter (scheduler.maxRandomDelayMs)` : '';
  return (
    `the journey timeout ${timeoutMs} ms${jitter} must be below the interval of "${schedule}" (${formatInterval(interval)}), ` +
    `or a run could still be going at the next tick; lower timeoutMs${jitter === '' ? '' : ' or the jitter'}, or schedule it less often`
  );
}

/**
 * Every scheduled journey with its *effective* timeout (the config's, else the journey's own default, which the
 * schema cannot see): a run must end before its next tick (error), and one whose cleanup steps can outlast the
 * interval gets its overlapping ticks skipped (warning). Pure: the same answer for validate, run and schedule.
 */
export function scheduleProblems(config: ScheduleInput, journeys: readonly JourneyDefinition[]): Problem[] {
  const jitter = config.scheduler.maxRandomDelayMs;
  const problems: Problem[] = [];
  for (const def of journeys) {
    const settings = config.journeys[def.name];
    if (settings?.enabled === false || settings?.schedule === undefined) continue;
    const timeoutMs = settings.timeoutMs ?? def.timeoutMs;
    const path = formatPath(['journeys', def.name, 'timeoutMs']);
    const budget = scheduleBudgetProblem(settings.schedule, timeoutMs, jitter);
    if (budget !== undefined) {
      const source =
        settings.timeoutMs === undefined ? ` (the journey's default: the sum of its step timeouts; set ${path})` : '';
      problems.push(problem(path, `${budget}${source}`));
      continue;
    }
    const intervalMs = cronIntervalMs(settings.schedule) ?? Number.POSITIVE_INFINITY;
    const cleanupMs = def.steps
      .filter((s) => s.always)
      .reduce((sum, s) => sum + (settings.steps?.[s.name]?.timeoutMs ?? s.timeoutMs), 0);
    const worstCaseMs = timeoutMs + cleanupMs + jitter;
    if (worstCaseMs >= intervalMs) {
      problems.push(
        warning(
          formatPath(['journeys', def.name]),
          `with cleanup steps (${cleanupMs} ms) a run can last ${worstCaseMs} ms, longer than its interval (${formatInterval(intervalMs)})`,
          'overlapping ticks will be skipped and counted in prober_ticks_skipped_total{reason="overlap"}',
        ),
      );
    }
  }
  return problems;
}
