import type pg from 'pg';
import type { InFlightRun } from './state-store.js';

// The Postgres store's in-flight markers: one row per run in progress, owned by the replica running it, so a
// replica that dies mid-run has its runs recorded as aborted (once) by whichever replica notices first.

interface Marker {
  run_id: string;
  journey: string;
  environment: string;
  started_at: string;
  step: InFlightRun['step'] | null;
  owner: string;
  location: string | null;
}

export async function markInFlightIn(q: pg.Pool | pg.ClientBase, marker: InFlightRun, owner: string): Promise<void> {
  await q.query(
    `INSERT INTO prober_in_flight (run_id, journey, environment, started_at, step, owner, location) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (run_id) DO UPDATE SET journey = excluded.journey, environment = excluded.environment, started_at = excluded.started_at, step = excluded.step, owner = excluded.owner, location = excluded.location`,
    [
      marker.runId,
      marker.journey,
      marker.environment,
      marker.startedAt,
      marker.step === undefined ? null : JSON.stringify(marker.step),
      owner,
      marker.location ?? null,
    ],
  );
}

export async function updateInFlightIn(
  q: pg.Pool | pg.ClientBase,
  runId: string,
  step: { name: string; service: string; timeoutMs: number },
): Promise<void> {
  await q.query('UPDATE prober_in_flight SET step = $1 WHERE run_id = $2', [JSON.stringify(step), runId]);
}

/**
 * Markers whose owner is dead (no running lease in prober_replicas, see postgres-liveness.ts), taken once, in one
 * statement: the rows are locked FOR UPDATE SKIP LOCKED and deleted as they are returned, so two replicas
 * recovering at the same moment never both record the same run as aborted. Runs of live replicas (and `self`'s
 * own) are left alone.
 */
export async function takeDeadInFlightIn(
  c: pg.Pool | pg.ClientBase,
  self: string,
  nowMs = Date.now(),
): Promise<InFlightRun[]> {
  const { rows } = await c.query<Marker>(
    `DELETE FROM prober_in_flight WHERE run_id IN (
       SELECT f.run_id FROM prober_in_flight f
       WHERE f.owner <> $1
         AND NOT EXISTS (SELECT 1 FROM prober_replicas r WHERE r.owner = f.owner AND r.lease_until_ms >= $2)
       FOR UPDATE SKIP LOCKED)
     RETURNING run_id, journey, environment, started_at, step, owner, location`,
    [self, nowMs],
  );
  return rows
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .map((r) => ({
      runId: r.run_id,
      journey: r.journey,
      environment: r.environment,
      startedAt: r.started_at,
      step: r.step ?? undefined,
      ...(r.location === null ? {} : { location: r.location }),
    }));
}
