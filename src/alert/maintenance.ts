import { createTask, validateDetailed } from 'node-cron';
import { z } from 'zod';
import { CronSchema } from '../config/cron.js';

const MINUTE_MS = 60_000;
/** Windows longer than a week are a silence, not maintenance; the bound also bounds the scan below. */
const MAX_DURATION_MS = 7 * 24 * 3_600_000;

export const MaintenanceWindowSchema = z
  .object({
    /** When a window opens (node-cron syntax, optional seconds field), e.g. `0 2 * * 0` = Sundays 02:00. */
    cron: CronSchema,
    /** How long it stays open. */
    durationMs: z.number().int().positive().max(MAX_DURATION_MS),
    /** IANA time zone of `cron`. @defaultValue the host's */
    timezone: z.string().min(1).optional(),
    /** Journeys it mutes. @defaultValue all */
    journeys: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

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
  const task = createTask(w.cron, () => undefined, { name: `maintenance:${w.cron}`, ...(w.timezone === undefined ? {} : { timezone: w.timezone }) });
  try {
    const earliest = now.getTime() - w.durationMs;
    for (let minute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS; minute + 59_999 > earliest; minute -= MINUTE_MS) {
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
