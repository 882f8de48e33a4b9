import { createTask, validate } from 'node-cron';

/** Enough upcoming fire times to see the shortest gap of any schedule whose pattern repeats within a minute or hour. */
const SAMPLES = 64;

/**
 * The shortest gap in ms between consecutive fire times of a cron expression, measured from node-cron's own
 * matcher (so seconds fields, steps, lists and `L`/`W` mean exactly what the scheduler will do). A run that may
 * last longer than this gap would overlap the next tick. Undefined for an invalid expression.
 */
export function cronIntervalMs(expression: string): number | undefined {
  // Asked several times per journey (validation, the schedule table, the tick monitor) and node-cron's matcher
  // costs ~10 ms a call: 42 journeys on one schedule spent 2 s of CPU here before the daemon started.
  if (intervals.has(expression)) return intervals.get(expression);
  const interval = measureInterval(expression);
  intervals.set(expression, interval);
  return interval;
}

const intervals = new Map<string, number | undefined>();

function measureInterval(expression: string): number | undefined {
  if (!validate(expression)) return undefined;
  // createTask only builds the matcher; nothing is armed until start(), and destroy() unregisters it.
  const task = createTask(expression, () => undefined, { name: `interval-probe:${expression}` });
  try {
    const times = task.getNextRuns(SAMPLES).map((d) => d.getTime());
    let shortest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i]! - times[i - 1]!);
    return Number.isFinite(shortest) ? shortest : undefined;
  } finally {
    void task.destroy();
  }
}

/** "1 s", "30 s", "5 min", "2 h": interval figures in validation messages and the schedule table. */
export function formatInterval(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
