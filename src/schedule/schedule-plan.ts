import { plural } from '../report/plural.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import { ProberSetupError, setupError } from '../config/problems.js';
import { scheduleProblems } from '../config/check-schedule.js';
import { cronIntervalMs, formatInterval } from '../config/cron-interval.js';

export interface PlannedJourney {
  def: JourneyDefinition;
  schedule: string;
  intervalMs: number;
  timeoutMs: number;
  /** Worst case including cleanup steps, which run after the journey deadline. */
  worstCaseMs: number;
}

/**
 * Which journeys the daemon schedules. Their budgets were checked by the validation pass that loaded the config
 * (config/check-schedule.ts, the same check `prober validate` and `prober run` make); they are checked again here
 * with that same function for callers that built a LoadedConfig themselves. Nothing scheduled is refused: the
 * daemon would have nothing to do.
 */
export function planSchedule(loaded: LoadedConfig): { planned: PlannedJourney[] } {
  const { config } = loaded;
  const errors = scheduleProblems(config, loaded.journeys).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ProberSetupError(errors);
  const planned: PlannedJourney[] = [];
  for (const def of loaded.journeys) {
    const settings = config.journeys[def.name];
    if (settings?.enabled === false || settings?.schedule === undefined) continue;
    const timeoutMs = settings.timeoutMs ?? def.timeoutMs;
    const intervalMs = cronIntervalMs(settings.schedule) ?? Number.POSITIVE_INFINITY;
    const cleanupMs = def.steps
      .filter((s) => s.always)
      .reduce((sum, s) => sum + (settings.steps[s.name]?.timeoutMs ?? s.timeoutMs), 0);
    planned.push({
      def,
      schedule: settings.schedule,
      intervalMs,
      timeoutMs,
      worstCaseMs: timeoutMs + cleanupMs + config.scheduler.maxRandomDelayMs,
    });
  }
  if (planned.length === 0) {
    throw setupError(
      'journeys',
      'no enabled journey has a schedule',
      'add journeys.NAME.schedule (a cron expression) to the config',
    );
  }
  return { planned };
}

/** The startup table: what runs when, and where to look. */
export function scheduleTable(
  planned: readonly PlannedJourney[],
  info: {
    environment: string;
    url: string;
    store: string;
    jitterMs: number;
    next: (journey: string) => Date | undefined;
  },
): string {
  const rows = planned.map((p) => [
    p.def.name,
    p.schedule,
    formatInterval(p.intervalMs),
    `${p.timeoutMs} ms`,
    p.def.steps.length.toString(),
    info.next(p.def.name)?.toISOString() ?? '-',
  ]);
  const header = ['journey', 'schedule', 'every', 'timeout', 'steps', 'next run'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `prober schedule: environment ${info.environment}, ${plural(planned.length, 'journey')}, start jitter up to ${info.jitterMs} ms`,
    line(header),
    ...rows.map(line),
    `status page ${info.url}/  metrics ${info.url}/metrics  health ${info.url}/healthz`,
    `store ${info.store}`,
    '',
  ].join('\n');
}
