import type pg from 'pg';
import type { RunResult } from '../journey/result-schema.js';
import type { JsonValue, OutboxChange, OutboxQuery, OutboxRecord } from './run-store.js';

/** The statements the Postgres store runs inside its transactions: run documents and outbox rows. */

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

/** Idempotent by run id (a replayed save writes nothing twice) and clears the run's in-flight marker. */
export async function saveIn(c: pg.ClientBase, r: RunResult): Promise<void> {
  const inserted = await c.query(
    'INSERT INTO prober_runs (run_id, environment, location, started_ms, status, document) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id) DO NOTHING',
    [r.runId, r.environment, r.location ?? null, Date.parse(r.startedAt), r.status, JSON.stringify(r)],
  );
  if ((inserted.rowCount ?? 0) > 0) {
    for (const j of r.journeys) {
      await c.query(
        'INSERT INTO prober_journey_runs (run_id, journey, location, status, started_ms, duration_ms, category) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [
          r.runId,
          j.journey,
          r.location ?? null,
          j.status,
          Date.parse(j.startedAt),
          j.durationMs,
          j.failure?.category ?? null,
        ],
      );
      for (const [i, s] of j.steps.entries()) {
        await c.query(
          'INSERT INTO prober_step_results (run_id, journey, ordinal, step, service, status, duration_ms, category) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [r.runId, j.journey, i, s.name, s.service, s.status, s.durationMs, s.error?.category ?? null],
        );
      }
    }
  }
  await c.query('DELETE FROM prober_in_flight WHERE run_id = $1', [r.runId]);
}

/**
 * A new outbox row; with `upsert`, a row that exists takes these delivery fields (it was held in memory while the
 * store failed, and delivered meanwhile). A plain insert of an existing id fails: ids are minted once.
 */
export async function insertOutboxIn(
  c: pg.ClientBase,
  o: OutboxRecord,
  options: { upsert?: boolean } = {},
): Promise<void> {
  const conflict =
    options.upsert === true
      ? `ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms,
         delivered_ms = excluded.delivered_ms, dead_reason = excluded.dead_reason, last_error = excluded.last_error`
      : '';
  await c.query(
    `INSERT INTO prober_outbox (id, channel, alert_key, payload, created_ms, attempts, next_attempt_ms, delivered_ms, dead_reason, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ${conflict}`,
    [
      o.id,
      o.channel,
      o.alertKey,
      JSON.stringify(o.payload),
      o.createdMs,
      o.attempts,
      o.nextAttemptMs,
      o.deliveredMs ?? null,
      o.deadReason ?? null,
      o.lastError ?? null,
    ],
  );
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
