import type pg from 'pg';

/** One scheduled tick of a journey in a location (the cron slot, before start jitter). */
export interface TickClaim {
  environment: string;
  location: string;
  journey: string;
  slotMs: number;
  runId: string;
}

/**
 * Claims a tick: true for exactly one replica per (environment, location, journey, slot). A plain INSERT against
 * the primary key, chosen over the alternatives because the claim must outlive the claimer:
 * - an advisory lock is released when its session ends, so a replica that crashed after its run (or a slow replica
 *   whose timer fired late) could take the same slot again; the row cannot be taken twice, ever;
 * - `FOR UPDATE SKIP LOCKED` needs the work to exist as rows first (a queue someone fills), and a transaction held
 *   open for the whole run; here every replica computes the same slots from the same cron expression, so the slot
 *   itself is the key, and nothing is held while the journey runs;
 * - a job library (pg-boss, graphile-worker) brings its own scheduler, tables and workers for what is one INSERT.
 * The rows double as the audit the replica test counts: one run id per tick.
 */
export async function claimTick(pool: pg.Pool, owner: string, tick: TickClaim, nowMs = Date.now()): Promise<boolean> {
  // The won claim writes the run's in-flight marker in the same statement: a replica killed after its claim and
  // before the run's own marker (one round trip later) left a claimed tick with no run, which nobody recorded. With
  // the marker, whichever replica finds the dead owner records that run as aborted, so no claimed tick goes missing.
  // The run's own marker (markInFlight, an upsert) then replaces this one. 'default' is the claimer's name for no
  // location (tick-claim.ts), which a marker stores as NULL.
  const r = await pool.query<{ won: number }>(
    `WITH claimed AS (
       INSERT INTO prober_scheduled_runs (environment, location, journey, slot_ms, run_id, owner, claimed_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING run_id)
     , marked AS (
       INSERT INTO prober_in_flight (run_id, journey, environment, started_at, step, owner, location)
       SELECT run_id, $3, $1, $8, NULL, $6, NULLIF($2, 'default') FROM claimed
       ON CONFLICT (run_id) DO NOTHING)
     SELECT count(*)::int AS won FROM claimed`,
    [
      tick.environment,
      tick.location,
      tick.journey,
      tick.slotMs,
      tick.runId,
      owner,
      nowMs,
      new Date(nowMs).toISOString(),
    ],
  );
  return r.rows[0]?.won === 1;
}

/**
 * Leases an outbox row for one delivery attempt: true when this replica may send it now. A row already delivered
 * or dead-lettered, or leased by another live attempt, is not ours; an expired lease (its replica died mid-attempt)
 * is taken over and delivered again under the same id, so the receiver can deduplicate by `webhook-id`.
 */
export async function claimOutbox(
  pool: pg.Pool,
  owner: string,
  id: string,
  leaseMs: number,
  nowMs = Date.now(),
): Promise<boolean> {
  const r = await pool.query(
    `UPDATE prober_outbox SET lease_owner = $2, lease_until_ms = $3
     WHERE id = $1 AND delivered_ms IS NULL AND dead_reason IS NULL
       AND (lease_until_ms IS NULL OR lease_until_ms < $4 OR lease_owner = $2)`,
    [id, owner, nowMs + leaseMs, nowMs],
  );
  return (r.rowCount ?? 0) === 1;
}
