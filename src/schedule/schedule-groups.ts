/**
 * Journeys grouped by their cron expression, in first-seen order (each group keeps its journeys' order): the
 * scheduler computes each expression's fire times once per tick, whatever the number of journeys on it.
 * Expressions are grouped by their exact text: two spellings of one schedule stay two groups, which only costs a
 * second matcher.
 */
export function groupBySchedule<J extends { schedule: string }>(jobs: readonly J[]): Map<string, J[]> {
  const groups = new Map<string, J[]>();
  for (const job of jobs) {
    const group = groups.get(job.schedule);
    if (group === undefined) groups.set(job.schedule, [job]);
    else group.push(job);
  }
  return groups;
}

/** A run's start jitter: uniform in [0, max) whole ms, as node-cron's `maxRandomDelay`; 0 when jitter is off. */
export function jitterMs(maxMs: number, random: () => number): number {
  if (!(maxMs > 0)) return 0;
  return Math.min(maxMs - 1, Math.floor(random() * maxMs));
}
