import type pg from 'pg';
import type { InFlightRun } from './run-store.js';

// The Postgres store's in-flight markers: one row per run in progress, owned by the replica running it, so a
// replica that dies mid-run has its runs recorded as aborted (once) by whichever replica notices first.

/** Advisory-lock namespace of replica liveness locks (the second key is hashtext(owner)). */
export const OWNER_LOCK_NS = 0x6f776e72; // "ownr"

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
 * Markers whose owner is dead (its liveness lock is free), taken once: rows are locked FOR UPDATE SKIP LOCKED,
 * so two replicas recovering at the same moment never both record the same run as aborted. Runs of live
 * replicas (and `self`'s own) are left alone. Run inside a transaction: the owner locks tried here are
 * transaction-scoped.
 */
export async function takeDeadInFlightIn(c: pg.ClientBase, self: string): Promise<InFlightRun[]> {
  const { rows } = await c.query<Marker>(
    'SELECT run_id, journey, environment, started_at, step, owner, location FROM prober_in_flight WHERE owner <> $1 ORDER BY started_at FOR UPDATE SKIP LOCKED',
    [self],
  );
  const dead = new Set<string>();
  for (const owner of new Set(rows.map((r) => r.owner))) {
    // Transaction-scoped: released at COMMIT, so it never blocks the owner if it were to come back.
    const { rows: got } = await c.query<{ free: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free',
      [OWNER_LOCK_NS, owner],
    );
    if (got[0]?.free === true) dead.add(owner);
  }
  const taken = rows.filter((r) => dead.has(r.owner));
  if (taken.length > 0)
    await c.query('DELETE FROM prober_in_flight WHERE run_id = ANY($1)', [taken.map((r) => r.run_id)]);
  return taken.map((r) => ({
    runId: r.run_id,
    journey: r.journey,
    environment: r.environment,
    startedAt: r.started_at,
    step: r.step ?? undefined,
    ...(r.location === null ? {} : { location: r.location }),
  }));
}
