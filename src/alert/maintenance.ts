import { createTask, validateDetailed } from 'node-cron';
import type { MaintenanceWindow } from '../config/alerts-config.js';

const MINUTE_MS = 60_000;

export type { MaintenanceWindow };

/**
 * Whether a window covers `journey` at `now`: some fire time t of its cron has t <= now < t + duration. node-cron
 * has no "previous fire time", so candidate minutes are scanned backwards with its own matcher (same semantics as
 * the scheduler); a week of minutes is ~10k cheap matches, and the answer is needed once per run.
 */
export function inMaintenance(windows: readonly MaintenanceWindow[], journey: string, now: Date): boolean {
  return windows.some((w) => (w.journeys === undefined || w.journeys.includes(journey)) && covers(w, now));
}

function covers(w: MaintenanceWindow, now: Date): boolean {
  const fields = validateDetailed(w.cron).fields;
  const seconds = [...(fields?.second ?? [0])].sort((a, b) => b - a);
  const task = createTask(w.cron, () => undefined, {
    name: `maintenance:${w.cron}`,
    ...(w.timezone === undefined ? {} : { timezone: w.timezone }),
  });
  try {
    const earliest = now.getTime() - w.durationMs;
    for (
      let minute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
      minute + 59_999 > earliest;
      minute -= MINUTE_MS
    ) {
      for (const sec of seconds) {
        const t = minute + sec * 1000;
        if (t <= now.getTime() && t > earliest && task.match(new Date(t))) return true;
      }
    }
    return false;
  } finally {
    void task.destroy();
  }
}
