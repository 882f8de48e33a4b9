import type pg from 'pg';
import { pruneLeases } from './postgres-liveness.js';
import type { RetentionPolicy } from './state-store.js';

/**
 * Retention for a fleet: every delete is a bounded batch in its own statement (no transaction spans batches), so a
 * prune never holds locks for long, and it takes rows with FOR UPDATE SKIP LOCKED, so it never waits on (or makes
 * wait) a replica writing or claiming at the same moment. Claims have their own short horizon: a tick's claim
 * only has to outlive the tick (a late replica must not run it again), not the run history.
 */

/** A claim row is kept this long: hours, not the run retention's days (100 locations × 1,000 journeys a minute is 6 M rows an hour). */
export const CLAIM_RETENTION_MS = 3 * 3_600_000;
/** Rows per delete statement. */
export const PRUNE_BATCH = 5_000;
/** Statements per table and prune call: a backlog (first prune after an upgrade) is worked off over several calls. */
const MAX_BATCHES = 40;
const DAY_MS = 86_400_000;

async function inBatches(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await pool.query(sql, [...params, PRUNE_BATCH]);
    removed += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < PRUNE_BATCH) break;
  }
  return removed;
}

/** Claims older than CLAIM_RETENTION_MS, one bounded batch at most: run by every replica's heartbeat now and then. */
export async function pruneClaims(pool: pg.Pool, nowMs = Date.now()): Promise<number> {
  const r = await pool.query(
    `DELETE FROM prober_scheduled_runs WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM prober_scheduled_runs WHERE slot_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
    [nowMs - CLAIM_RETENTION_MS, PRUNE_BATCH],
  );
  return r.rowCount ?? 0;
}

/**
 * Runs older than the age limit, then each journey-and-location series beyond its count limit (a location that
 * probes more often, or a second location, never pushes another's history out); then claims, delivered or dead
 * outbox rows past the age limit, and leases of long-gone replicas. Returns the runs removed.
 */
export async function pruneFleet(pool: pg.Pool, policy: RetentionPolicy, nowMs: number): Promise<number> {
  const cutoff = nowMs - policy.maxAgeDays * DAY_MS;
  let removed = await inBatches(
    pool,
    `DELETE FROM prober_runs WHERE run_id IN (
       SELECT run_id FROM prober_runs WHERE started_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [cutoff],
  );
  const { rows: series } = await pool.query<{ environment: string; journey: string; location: string }>(
    'SELECT environment, journey, location FROM prober_series',
  );
  for (const s of series) {
    removed += await inBatches(
      pool,
      `DELETE FROM prober_runs WHERE run_id IN (
         SELECT j.run_id FROM prober_journey_runs j JOIN prober_runs r ON r.run_id = j.run_id
         WHERE j.journey = $1 AND coalesce(j.location, '') = $2 AND r.environment = $3
         ORDER BY j.started_ms DESC OFFSET $4 LIMIT $5)`,
      [s.journey, s.location, s.environment, policy.maxRunsPerJourney],
    );
  }
  for (let i = 0; i < MAX_BATCHES && (await pruneClaims(pool, nowMs)) === PRUNE_BATCH; i++);
  await inBatches(
    pool,
    `DELETE FROM prober_outbox WHERE id IN (
       SELECT id FROM prober_outbox WHERE (delivered_ms IS NOT NULL OR dead_reason IS NOT NULL) AND created_ms < $1
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [cutoff],
  );
  await pruneLeases(pool, nowMs);
  return removed;
}
