import type pg from 'pg';
import type { JsonValue, OutboxChange, OutboxQuery, OutboxRecord } from './state-store.js';

/** The outbox's reads and single-row outcome writes (batched writes are in postgres-batch.ts). */

interface OutboxRow {
  id: string;
  channel: string;
  alert_key: string;
  payload: JsonValue;
  created_ms: string;
  attempts: number;
  next_attempt_ms: string;
  delivered_ms: string | null;
  dead_reason: string | null;
  last_error: string | null;
  lease_until_ms: string | null;
}

export async function listOutboxIn(c: pg.Pool | pg.ClientBase, query: OutboxQuery): Promise<OutboxRecord[]> {
  const where = {
    pending: 'WHERE delivered_ms IS NULL AND dead_reason IS NULL',
    delivered: 'WHERE delivered_ms IS NOT NULL',
    dead: 'WHERE dead_reason IS NOT NULL',
    all: '',
  }[query.status];
  const { rows } = await c.query<OutboxRow>(
    `SELECT id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms, dead_reason, last_error, lease_until_ms FROM prober_outbox ${where} ORDER BY seq LIMIT $1`,
    [Math.max(0, Math.floor(query.limit))],
  );
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    alertKey: r.alert_key,
    payload: r.payload,
    createdMs: Number(r.created_ms),
    nextAttemptMs: Number(r.next_attempt_ms),
    attempts: r.attempts,
    deliveredMs: r.delivered_ms === null ? undefined : Number(r.delivered_ms),
    deadReason: r.dead_reason ?? undefined,
    lastError: r.last_error ?? undefined,
    ...(r.lease_until_ms === null ? {} : { leaseUntilMs: Number(r.lease_until_ms) }),
  }));
}

/**
 * Records an attempt's outcome and ends this replica's lease on the row, so a retry is not held back until the
 * lease would have run out; another replica's lease (it took the row over after ours expired) is left alone.
 */
export async function updateOutboxIn(
  c: pg.Pool | pg.ClientBase,
  owner: string,
  id: string,
  change: OutboxChange,
): Promise<void> {
  await c.query(
    `UPDATE prober_outbox SET attempts = $1, next_attempt_ms = $2, delivered_ms = $3, dead_reason = $4, last_error = $5,
       lease_until_ms = CASE WHEN lease_owner = $7 THEN NULL ELSE lease_until_ms END,
       lease_owner = CASE WHEN lease_owner = $7 THEN NULL ELSE lease_owner END
     WHERE id = $6`,
    [
      change.attempts,
      change.nextAttemptMs,
      change.deliveredMs ?? null,
      change.deadReason ?? null,
      change.lastError ?? null,
      id,
      owner,
    ],
  );
}
