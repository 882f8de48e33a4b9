import { randomUUID } from 'node:crypto';
import type { JsonValue, OutboxEntry, OutboxRecord } from '../store/state-store.js';
import type { DeliverySettings } from '../config/alerts-config.js';
import { toNotification, type AlertEvent } from './notification.js';

/**
 * One outbox row per notification and channel, each with its own delivery id, minted here and stored before the
 * first attempt: every retry, and every redelivery after a restart, carries the same id. A keep-alive goes only to
 * `keepAliveChannels` (the others were told once and are reminded by their own setting).
 */
export function outboxEntries(
  events: readonly AlertEvent[],
  channels: readonly string[],
  nowMs: number,
  newId: () => string = randomUUID,
  keepAliveChannels: ReadonlySet<string> = new Set(),
): OutboxEntry[] {
  return events.flatMap((event) =>
    channels
      .filter((channel) => event.keepAlive !== true || keepAliveChannels.has(channel))
      .map((channel) => {
        const id = newId();
        const payload = JSON.parse(JSON.stringify(toNotification(event, id))) as JsonValue;
        return { id, channel, alertKey: event.id, payload, createdMs: nowMs, nextAttemptMs: nowMs };
      }),
  );
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, initial·2^(n-1))], so
 * many probers retrying one receiver spread out. A `Retry-After` is a floor the receiver asked for.
 */
export function retryDelayMs(
  attempts: number,
  settings: Pick<DeliverySettings, 'initialBackoffMs' | 'maxBackoffMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(
    settings.maxBackoffMs,
    settings.initialBackoffMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)),
  );
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/** The rows that may be attempted: the oldest pending row of each (channel, alert key), so each key stays in order. */
export function queueHeads(pending: readonly OutboxRecord[]): OutboxRecord[] {
  const heads = new Map<string, OutboxRecord>();
  for (const row of pending) {
    const key = `${row.channel}\u0000${row.alertKey}`;
    if (!heads.has(key)) heads.set(key, row);
  }
  return [...heads.values()];
}
