import type { z } from 'zod';
import { KEEP_ALIVE_FRACTION } from './alert-channels.js';
import { cronIntervalMs, formatInterval } from './cron-interval.js';

interface ExpiryInput {
  journeys: Record<string, { enabled?: boolean | undefined; schedule?: string | undefined }>;
  alerts: { channels: Record<string, { type: string; firingTtlMs?: number | undefined }> };
}

/**
 * An Alertmanager alert lives `firingTtlMs` after the last time it was sent, and the prober re-sends an open alert
 * when a run finds `firingTtlMs / 4` has passed. A journey scheduled less often than that would let its alert
 * expire (Alertmanager tells everyone "resolved") while it still fails: refused here, the way Prometheus ties
 * `endsAt` to its evaluation interval.
 */
export function checkAlertExpiry(config: ExpiryInput, ctx: z.RefinementCtx): void {
  for (const [name, channel] of Object.entries(config.alerts.channels)) {
    if (channel.type !== 'alertmanager' || channel.firingTtlMs === undefined) continue;
    const problem = alertExpiryProblem(channel.firingTtlMs, config.journeys);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', path: ['alerts', 'channels', name, 'firingTtlMs'], message: problem });
  }
}

/** The message when some scheduled journey runs less often than the keep-alive needs, else undefined. Pure. */
export function alertExpiryProblem(firingTtlMs: number, journeys: ExpiryInput['journeys']): string | undefined {
  const keepAliveMs = Math.floor(firingTtlMs / KEEP_ALIVE_FRACTION);
  let worst: { journey: string; schedule: string; intervalMs: number } | undefined;
  for (const [journey, j] of Object.entries(journeys)) {
    if (j.enabled === false || j.schedule === undefined) continue;
    const intervalMs = cronIntervalMs(j.schedule);
    if (intervalMs !== undefined && intervalMs > keepAliveMs && (worst === undefined || intervalMs > worst.intervalMs))
      worst = { journey, schedule: j.schedule, intervalMs };
  }
  if (worst === undefined) return undefined;
  return (
    `${firingTtlMs} ms would let an alert expire in Alertmanager while ${worst.journey} still fails: an open alert is re-sent ` +
    `at a run once ${formatInterval(keepAliveMs)} (firingTtlMs / ${KEEP_ALIVE_FRACTION}) have passed, and "${worst.schedule}" runs only every ` +
    `${formatInterval(worst.intervalMs)}; set firingTtlMs to at least ${worst.intervalMs * KEEP_ALIVE_FRACTION} ms or schedule the journey more often`
  );
}
