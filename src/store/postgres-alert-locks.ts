import { createHash } from 'node:crypto';
import type pg from 'pg';
import { commitBatchAndEnd } from './postgres-batch.js';
import type { AlertLockScope, AlertStateRecord, JsonValue, StoreBatch } from './state-store.js';

/** Advisory-lock namespace of alert keys (the second key is lockId(alert key)). */
const ALERT_LOCK_NS = 0x616c7274; // "alrt"
/** lock_not_available (lock_timeout ran out) and deadlock_detected: both mean "someone else has it now". */
const NOT_NOW = new Set(['55P03', '40P01']);

/** A stable 32-bit id for an alert key: two keys sharing one only wait on each other, never run unlocked. */
export function lockId(key: string): number {
  return createHash('sha1').update(key).digest().readInt32BE(0);
}

export type AlertLockResult<T> = { locked: true; value: T } | { locked: false };

/**
 * Alert evaluation under per-key locks: transaction-scoped advisory locks (pg_advisory_xact_lock), so nothing
 * outlives the transaction and PgBouncer in transaction mode keeps it on one server connection. Evaluations of
 * different alert keys never wait on each other; the same key (one journey judged in several locations at once)
 * waits at most `waitMs`, and a lock not had by then is `{ locked: false }`: the caller evaluates again on its next
 * run, it never goes on unlocked. Round trips: one to begin and lock, one per `read`, one for the write and COMMIT.
 */
export async function withAlertLocks<T>(
  pool: pg.Pool,
  owner: string,
  keys: readonly string[],
  waitMs: number,
  work: (scope: AlertLockScope) => Promise<T>,
): Promise<AlertLockResult<T>> {
  const client = await pool.connect();
  let open = false;
  let broken = false;
  try {
    // Ordered ids, so two evaluations locking several keys (retirement) cannot deadlock each other.
    const ids = [...new Set(keys.map(lockId))].sort((a, b) => a - b);
    const locks = ids.map((id) => `pg_advisory_xact_lock(${ALERT_LOCK_NS}, ${id})`).join(', ');
    open = true;
    try {
      // Integers only are inlined (the ids, the timeout), so one simple-protocol round trip begins and locks.
      await client.query(
        `BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.floor(waitMs))}${ids.length === 0 ? '' : `; SELECT ${locks}`}`,
      );
    } catch (err) {
      if (!NOT_NOW.has(String((err as { code?: unknown }).code))) throw err;
      await client.query('ROLLBACK');
      open = false;
      return { locked: false };
    }
    let pending: StoreBatch | undefined;
    const scope: AlertLockScope = {
      read: (wanted) => readStates(client, wanted),
      tryLock: async (key) => {
        const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS got', [
          ALERT_LOCK_NS,
          lockId(key),
        ]);
        return rows[0]?.got === true;
      },
      write: (batch) => {
        pending = batch;
      },
    };
    const value = await work(scope);
    await client.query(pending === undefined ? 'COMMIT' : commitBatchAndEnd(pending, owner));
    open = false;
    return { locked: true, value };
  } catch (err) {
    if (open) await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}

async function readStates(client: pg.ClientBase, keys: readonly string[]): Promise<Map<string, AlertStateRecord>> {
  const { rows } = await client.query<{ key: string; state: JsonValue; updated_at: string }>(
    'SELECT key, state, updated_at FROM prober_alert_state WHERE key = ANY($1)',
    [[...keys]],
  );
  return new Map(
    rows.map((r) => [r.key, { key: r.key, raw: JSON.stringify(r.state), state: r.state, updatedAt: r.updated_at }]),
  );
}
