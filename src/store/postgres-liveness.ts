import type pg from 'pg';

/**
 * Replica liveness as a row lease, renewed by a heartbeat: a replica is alive while its `prober_replicas` row's
 * lease runs. This replaces a session advisory lock held for the replica's whole life, which (a) cost a pooled
 * connection per replica for nothing else, and (b) cannot work behind PgBouncer in transaction mode, where a
 * session lock lands on whatever server connection the pooler picked and outlives or precedes its client. A lease
 * needs no session at all: a replica that dies stops renewing it, and its runs in flight become recoverable once
 * it runs out (LEASE_MS later, not at once: the cost of pooling, and why the daemon looks again periodically).
 */

/** How long a replica counts as alive after its last heartbeat. */
export const REPLICA_LEASE_MS = 6_000;
/** Heartbeats per lease: two may be lost (a slow statement, a blocked event loop for a moment) before death. */
export const HEARTBEATS_PER_LEASE = 3;

export async function renewLease(
  q: pg.Pool | pg.ClientBase,
  owner: string,
  location: string | undefined,
  nowMs = Date.now(),
): Promise<void> {
  await q.query(
    `INSERT INTO prober_replicas (owner, location, started_ms, lease_until_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (owner) DO UPDATE SET lease_until_ms = excluded.lease_until_ms`,
    [owner, location ?? null, nowMs, nowMs + REPLICA_LEASE_MS],
  );
}

/** A clean stop: the row goes, so this replica's markers (none, normally) are recoverable at once. */
export async function endLease(q: pg.Pool | pg.ClientBase, owner: string): Promise<void> {
  await q.query('DELETE FROM prober_replicas WHERE owner = $1', [owner]);
}

/** Lease rows that ran out long ago (their replicas are gone): kept an hour for the audit, then pruned. */
export async function pruneLeases(q: pg.Pool | pg.ClientBase, nowMs = Date.now()): Promise<void> {
  await q.query('DELETE FROM prober_replicas WHERE lease_until_ms < $1', [nowMs - 3_600_000]);
}

/** A heartbeat timer that never keeps the process alive; failures are the store's to report. */
export function startHeartbeat(beat: () => Promise<void>, onError: (err: Error) => void): NodeJS.Timeout {
  const timer = setInterval(
    () => void beat().catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err)))),
    Math.floor(REPLICA_LEASE_MS / HEARTBEATS_PER_LEASE),
  );
  timer.unref();
  return timer;
}
