import { plural } from '../report/plural.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import { ProberSetupError } from '../journey/errors.js';
import { formatPath } from '../config/problems.js';
import { cronIntervalMs, formatInterval } from './cron-interval.js';
import { scheduleBudgetProblem } from './schedule-config.js';

export interface PlannedJourney {
  def: JourneyDefinition;
  schedule: string;
  intervalMs: number;
  timeoutMs: number;
  /** Worst case including cleanup steps, which run after the journey deadline. */
  worstCaseMs: number;
}

/**
 * Which journeys the daemon schedules, checked with their effective timeouts (the config may leave `timeoutMs`
 * to the journey's own default, which the schema cannot see). Every problem is reported at once, as exit 2.
 */
export function planSchedule(loaded: LoadedConfig): { planned: PlannedJourney[]; warnings: string[] } {
  const { config } = loaded;
  const jitter = config.scheduler.maxRandomDelayMs;
  const problems: string[] = [];
  const warnings: string[] = [];
  const planned: PlannedJourney[] = [];
  for (const def of loaded.journeys) {
    const settings = config.journeys[def.name];
    if (settings?.enabled === false || settings?.schedule === undefined) continue;
    const timeoutMs = settings.timeoutMs ?? def.timeoutMs;
    const intervalMs = cronIntervalMs(settings.schedule) ?? Number.POSITIVE_INFINITY;
    const problem = scheduleBudgetProblem(settings.schedule, timeoutMs, jitter);
    if (problem !== undefined) {
      const source = settings.timeoutMs === undefined ? ` (the journey's default: the sum of its step timeouts; set ${formatPath(['journeys', def.name, 'timeoutMs'])})` : '';
      problems.push(`${formatPath(['journeys', def.name, 'timeoutMs'])}: ${problem}${source}`);
      continue;
    }
    const cleanupMs = def.steps.filter((s) => s.always).reduce((sum, s) => sum + (settings.steps[s.name]?.timeoutMs ?? s.timeoutMs), 0);
    const worstCaseMs = timeoutMs + cleanupMs + jitter;
    if (worstCaseMs >= intervalMs) {
      warnings.push(
        `journey ${def.name}: with cleanup steps (${cleanupMs} ms) a run can last ${worstCaseMs} ms, longer than its interval ` +
          `(${formatInterval(intervalMs)}); overlapping ticks will be skipped and counted in prober_ticks_skipped_total{reason="overlap"}`,
      );
    }
    planned.push({ def, schedule: settings.schedule, intervalMs, timeoutMs, worstCaseMs });
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
  if (planned.length === 0) {
    throw new ProberSetupError(['journeys: no enabled journey has a schedule; add journeys.NAME.schedule (a cron expression) to the config']);
  }
  return { planned, warnings };
}

/** The startup table: what runs when, and where to look. */
export function scheduleTable(planned: readonly PlannedJourney[], info: { environment: string; url: string; store: string; jitterMs: number; next: (journey: string) => Date | undefined }): string {
  const rows = planned.map((p) => [p.def.name, p.schedule, formatInterval(p.intervalMs), `${p.timeoutMs} ms`, p.def.steps.length.toString(), info.next(p.def.name)?.toISOString() ?? '-']);
  const header = ['journey', 'schedule', 'every', 'timeout', 'steps', 'next run'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    `prober schedule: environment ${info.environment}, ${plural(planned.length, 'journey')}, start jitter up to ${info.jitterMs} ms`,
    line(header),
    ...rows.map(line),
    `status page ${info.url}/  metrics ${info.url}/metrics  health ${info.url}/healthz`,
    `store ${info.store}`,
    '',
  ].join('\n');
}
